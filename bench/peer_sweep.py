"""TensorBoard's Python loader on the first runs of a generated sweep (for the ratio with
runlens core on the same files).

    bench/.venv/bin/python bench/peer_sweep.py SWEEP_DIR [runs]

Each run directory through its own EventAccumulator (scalars unlimited, the other kinds at
TensorBoard's default sampling), as TensorBoard loads a logdir; the add_hparams child
directories are left out, as they are a few hundred bytes.
"""
import os
import sys
import time

from tensorboard.backend.event_processing import event_accumulator as ea


def main():
    root = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    runs = sorted(d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d)))[:n]
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
    print(f"tensorboard EventAccumulator, {len(runs)} runs: {size / 1e6:.1f} MB, {points} points, "
          f"{secs:.2f} s, {size / secs / 1e6:.1f} MB/s, {points / secs / 1e3:.0f} k points/s")


if __name__ == "__main__":
    main()
