"""Side-by-side: TensorBoard's Python loader vs runlens core on the same tensorboardX file.

Writes (once) a seeded tensorboardX event file of 500k scalars (5 tags x 100k steps) to
bench/out/, times TensorBoard's EventAccumulator (scalars unlimited) reading it, and prints
the figures (last line: the file's path). scripts/bench.sh runs this and then runlens' native
reader on the same file, and again with bench/.venv-tf (+ tensorflow-cpu): the label says which
record reader TensorBoard used (TensorFlow's C++ one if importable, else its pure-Python stub).
TensorFlow's import is done before the timing and its time printed apart.
"""
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TF's C++ info lines on stderr

import numpy as np

from tb_reader import reader

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "out", "tbx500k")


def write():
    from tensorboardX import SummaryWriter

    if os.path.isdir(OUT) and any("tfevents" in f for f in os.listdir(OUT)):
        return
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(7)
    w = SummaryWriter(OUT, flush_secs=3600, max_queue=100_000)
    for step in range(100_000):
        for i, tag in enumerate(["train/loss", "train/acc", "val/loss", "val/acc", "lr"]):
            w.add_scalar(tag, float(rng.random() + i), step, walltime=1.7e9 + step)
    w.close()


def read():
    from tensorboard.backend.event_processing import event_accumulator as ea

    label = reader()
    path = next(os.path.join(OUT, f) for f in sorted(os.listdir(OUT)) if "tfevents" in f)
    size = os.path.getsize(path)
    start = time.perf_counter()
    acc = ea.EventAccumulator(path, size_guidance={ea.SCALARS: 0})
    acc.Reload()
    points = sum(len(acc.Scalars(t)) for t in acc.Tags()["scalars"])
    secs = time.perf_counter() - start
    print(f"EventAccumulator ({label}): {size/1e6:.1f} MB, {points} points, {secs:.2f} s, "
          f"{size/secs/1e6:.1f} MB/s, {points/secs/1e3:.0f} k points/s")
    print(path)


if __name__ == "__main__":
    write()
    read()
    sys.stdout.flush()
