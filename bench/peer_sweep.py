"""TensorBoard's Python loader on the first runs of a generated sweep (for the ratio with
runlens core on the same files).

    bench/.venv/bin/python bench/peer_sweep.py SWEEP_DIR [runs]      # bench/requirements.txt
    bench/.venv-tf/bin/python bench/peer_sweep.py SWEEP_DIR [runs]   # + tensorflow-cpu

Each run directory through its own EventAccumulator (scalars unlimited, the other kinds at
TensorBoard's default sampling), as TensorBoard loads a logdir; the add_hparams child
directories are left out, as they are a few hundred bytes. The label says which record reader
TensorBoard uses: with TensorFlow importable, TF's C++ one (`tf.compat.v1.io.tf_record_iterator`,
`_pywrap_record_io`); without, its pure-Python stub. TensorFlow's import is done before the
timing and its time printed apart.
"""
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TF's C++ info lines on stderr

from tensorboard.backend.event_processing import event_accumulator as ea

from tb_reader import reader


def main():
    root = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    runs = sorted(d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d)))[:n]
    label = reader()
    size = points = 0
    start = time.perf_counter()
    for run in runs:
        path = os.path.join(root, run)
        size += sum(os.path.getsize(os.path.join(path, f)) for f in os.listdir(path)
                    if "tfevents" in f)
        acc = ea.EventAccumulator(path, size_guidance={ea.SCALARS: 0})
        acc.Reload()
        points += sum(len(acc.Scalars(t)) for t in acc.Tags()["scalars"])
    secs = time.perf_counter() - start
    print(f"EventAccumulator ({label}), {len(runs)} runs: {size / 1e6:.1f} MB, {points} points, "
          f"{secs:.2f} s, {size / secs / 1e6:.1f} MB/s, {points / secs / 1e3:.0f} k points/s")


if __name__ == "__main__":
    main()
