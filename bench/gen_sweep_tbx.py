"""A seeded hyper-parameter sweep logdir written by tensorboardX (the reference writer).

    bench/.venv/bin/python bench/gen_sweep_tbx.py OUT [--runs N] [--steps S] [--seed K]

Every run `run_0007_lr0.001_bs64_adam/` gets one event file with, at every step, five
scalars (`train/loss`, `train/accuracy`, `val/loss`, `val/accuracy`, `train/lr`) — one
event each, as `add_scalar` writes them — plus two histograms (`add_histogram_raw`, 30
buckets) every `--hist-every` steps, a 32x32 PNG (`image` summary) four times a run, and
at the end `add_hparams` (the child run named by the clock, `1700002500.0/`: lr, batch_size, optimizer, dropout,
weight_decay, seed; final val loss and accuracy).

The content is a pure function of the seed: values come from splitmix64 and plain f64
arithmetic, wall times are computed, and the writer's clock and host name are pinned, so
`crates/core/examples/gen_sweep.rs` (the fast generator, same spec) writes byte-identical
files. bench/check_gen_sweep.sh compares the two. Prints the write speed.
"""
import argparse
import os
import socket
import struct
import sys
import time
import zlib

MASK = (1 << 64) - 1
TAGS = ["train/loss", "train/accuracy", "val/loss", "val/accuracy", "train/lr"]
LRS = [(0.0001, "0.0001"), (0.0003, "0.0003"), (0.001, "0.001"), (0.003, "0.003"),
       (0.01, "0.01"), (0.03, "0.03")]
BATCH = [32, 64, 128, 256]
OPTS = ["adam", "sgd", "adamw"]
DROPOUT = [0.0, 0.1, 0.2, 0.3, 0.5]
WD = [0.0, 1e-05, 0.0001]
BUCKETS = 30
IMAGE = 32


class Rng:
    """splitmix64, as in the Rust generator."""

    def __init__(self, seed):
        self.state = seed & MASK

    def next_u64(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def uniform(self):
        return (self.next_u64() >> 11) * (1.0 / 9007199254740992.0)

    def below(self, n):
        return self.next_u64() % n


def png(rng):
    """A 32x32 RGB PNG with stored (uncompressed) deflate blocks."""
    raw = bytearray()
    for _ in range(IMAGE):
        raw.append(0)
        for _ in range(IMAGE * 3 // 8):
            raw += struct.pack("<Q", rng.next_u64())
    raw = bytes(raw)
    z = bytearray(b"\x78\x01")
    z += b"\x01" + struct.pack("<HH", len(raw), len(raw) ^ 0xFFFF) + raw
    z += struct.pack(">I", zlib.adler32(raw))

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    ihdr = struct.pack(">IIBBBBB", IMAGE, IMAGE, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", bytes(z)) + chunk(b"IEND", b"")


def plan(seed, r):
    rng = Rng((seed * 1000003 + r) & MASK)
    lr, lr_name = LRS[rng.below(len(LRS))]
    bs = BATCH[rng.below(len(BATCH))]
    opt = OPTS[rng.below(len(OPTS))]
    dropout = DROPOUT[rng.below(len(DROPOUT))]
    wd = WD[rng.below(len(WD))]
    name = f"run_{r:04d}_lr{lr_name}_bs{bs}_{opt}"
    hparams = {"lr": lr, "batch_size": bs, "optimizer": opt, "dropout": dropout,
               "weight_decay": wd, "seed": r}
    return rng, name, hparams


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--runs", type=int, default=4)
    ap.add_argument("--steps", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--hist-every", type=int, default=1000)
    a = ap.parse_args()

    clock = [0.0]
    time.time = lambda: clock[0]
    socket.gethostname = lambda: "sweep"
    from tensorboardX import SummaryWriter
    from tensorboardX.proto.summary_pb2 import Summary

    steps = a.steps
    start = time.perf_counter()
    points = 0
    for r in range(a.runs):
        rng, name, hp = plan(a.seed, r)
        lr = hp["lr"]
        t_run = 1.7e9 + r * 86400.0
        clock[0] = t_run
        diverges = lr >= 0.03
        l0 = 2.3 + 0.1 * rng.uniform()
        lf = 0.05 + 0.2 * rng.uniform() + (0.3 if hp["optimizer"] == "sgd" else 0.0)
        tau = steps * (0.02 + 0.1 * rng.uniform())
        warm = steps * 0.05
        half = steps // 2
        image_every = max(steps // 4, 1)
        w = SummaryWriter(os.path.join(a.out, name), max_queue=1_000_000, flush_secs=1_000_000)
        val_loss = val_acc = 0.0
        for step in range(steps):
            wall = t_run + step * 0.25
            decay = 1.0 / (1.0 + step / tau)
            train_loss = lf + (l0 - lf) * decay + 0.05 * (rng.uniform() - 0.5)
            if diverges and step > half:
                train_loss = train_loss + (step - half) * 0.001
            val_loss = train_loss + 0.05 + 0.02 * (rng.uniform() - 0.5)
            train_acc = 1.0 - train_loss / (l0 + 0.5)
            val_acc = 1.0 - val_loss / (l0 + 0.5)
            lr_t = lr * min(1.0, (step + 1) / warm) * (1.0 - step / steps)
            for tag, v in zip(TAGS, [train_loss, train_acc, val_loss, val_acc, lr_t]):
                w.add_scalar(tag, v, step, walltime=wall)
            points += 5
            if step % a.hist_every == 0:
                scale = 1.0 + step / steps
                for tag in ["weights/fc1", "grads/fc1"]:
                    limits, counts = [], []
                    total = s = sq = 0.0
                    for k in range(BUCKETS):
                        limit = -3.0 * scale + 6.0 * scale * (k + 1) / BUCKETS
                        d = (k - 15) / 5.0
                        c = float(int(1000.0 / (1.0 + d * d)) + rng.below(10))
                        limits.append(limit)
                        counts.append(c)
                        total += c
                        s += c * limit
                        sq += c * limit * limit
                    w.add_histogram_raw(tag, -3.0 * scale, limits[-1], total, s, sq, limits,
                                        counts, step, walltime=wall)
            if step % image_every == 0:
                img = Summary.Image(height=IMAGE, width=IMAGE, colorspace=3,
                                    encoded_image_string=png(rng))
                w.file_writer.add_summary(Summary(value=[Summary.Value(tag="samples/input",
                                                                       image=img)]), step, wall)
        clock[0] = t_run + steps * 0.25
        w.add_hparams(hp, {"hparam/val_loss": val_loss, "hparam/val_accuracy": val_acc})
        w.close()
    secs = time.perf_counter() - start
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(a.out) for f in fs)
    print(f"tensorboardX: {a.runs} runs x {steps} steps x 5 tags = {points} points, "
          f"{size / 1e6:.1f} MB in {secs:.2f} s ({points / secs / 1e3:.0f} k points/s, "
          f"{size / secs / 1e6:.2f} MB/s)")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
