"""What record reader TensorBoard's EventAccumulator uses here, for the peer benchmarks'
labels (bench/peer_sweep.py, bench/peer_tensorboard.py)."""

import time


def reader():
    """Resolve TensorBoard's lazy `tensorboard.compat.tf` now (it imports TensorFlow if it can,
    else the stub) and describe the record reader that follows from it."""
    import tensorboard
    from tensorboard.compat import tf

    start = time.perf_counter()
    version = tf.__version__
    secs = time.perf_counter() - start
    if version == "stub":
        return f"tensorboard {tensorboard.__version__}, no TensorFlow: pure-Python reader"
    return (f"tensorboard {tensorboard.__version__}, TensorFlow {version} installed: C++ record "
            f"reader; TF import {secs:.1f} s, not timed")
