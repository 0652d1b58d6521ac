"""Checks the fast sweep generator against tensorboardX (bench/check_gen_sweep.sh runs it).

    python bench/check_gen_sweep.py RUST_DIR TBX_DIR RUST_DUMP.json TBX_DUMP.json

1. Every file of both logdirs has the same path and the same records, byte for byte; the
   one exception is the hparams session-start record, whose `map<string, Value>` Python's
   protobuf serialises in hash order: there the decoded messages must be equal.
2. TensorBoard's EventAccumulator (scalars unlimited) reads the same scalars, histograms
   and images from both, and the same scalars runlens core read (the two dumps of
   `examples/import_dir --dump`), point for point: step, wall time, value.
"""
import json
import os
import struct
import sys

from tensorboard.backend.event_processing import event_accumulator as ea
from tensorboardX.proto.event_pb2 import Event
from tensorboardX.proto.plugin_hparams_pb2 import HParamsPluginData


def records(path):
    data = open(path, "rb").read()
    out, i = [], 0
    while i < len(data):
        (n,) = struct.unpack("<Q", data[i:i + 8])
        out.append(data[i + 12:i + 12 + n])
        i += 16 + n
    return out


def listing(root):
    return sorted(os.path.relpath(os.path.join(d, f), root)
                  for d, _, fs in os.walk(root) for f in fs)


def same_records(a, b, path):
    ra, rb = records(a), records(b)
    assert len(ra) == len(rb), f"{path}: {len(ra)} records vs {len(rb)}"
    hash_ordered = 0
    for i, (x, y) in enumerate(zip(ra, rb)):
        if x == y:
            continue
        ex, ey = Event.FromString(x), Event.FromString(y)
        vx, vy = ex.summary.value[0], ey.summary.value[0]
        assert vx.tag == vy.tag == "_hparams_/session_start_info", f"{path}: record {i} differs"
        cx = HParamsPluginData.FromString(vx.metadata.plugin_data.content)
        cy = HParamsPluginData.FromString(vy.metadata.plugin_data.content)
        assert cx == cy, f"{path}: record {i}: {cx} != {cy}"
        ex.summary.value[0].metadata.plugin_data.content = b""
        ey.summary.value[0].metadata.plugin_data.content = b""
        assert ex == ey, f"{path}: record {i} differs outside the hparams map"
        hash_ordered += 1
    return len(ra), hash_ordered


def accumulate(run_dir):
    acc = ea.EventAccumulator(run_dir, size_guidance={ea.SCALARS: 0, ea.HISTOGRAMS: 0,
                                                      ea.IMAGES: 0, ea.TENSORS: 0})
    acc.Reload()
    tags = acc.Tags()
    return {
        "scalars": {t: [(e.step, e.wall_time, e.value) for e in acc.Scalars(t)]
                    for t in tags["scalars"]},
        "histograms": {t: len(acc.Histograms(t)) for t in tags["histograms"]},
        "images": {t: len(acc.Images(t)) for t in tags["images"]},
    }


def main():
    rust, tbx, rust_dump, tbx_dump = sys.argv[1:5]
    files = listing(rust)
    assert files == listing(tbx), "the two logdirs hold different files"
    n_records = n_hash = 0
    for f in files:
        n, h = same_records(os.path.join(rust, f), os.path.join(tbx, f), f)
        n_records += n
        n_hash += h
    print(f"framing: {len(files)} files, {n_records} records identical byte for byte "
          f"({n_hash} hparams maps equal once decoded, serialised in Python's hash order)")

    dumps = [json.load(open(rust_dump)), json.load(open(tbx_dump))]
    assert dumps[0] == dumps[1], "runlens core reads the two logdirs differently"
    points = 0
    for run in sorted(os.listdir(rust)):
        ours = accumulate(os.path.join(rust, run))
        theirs = accumulate(os.path.join(tbx, run))
        assert ours == theirs, f"{run}: EventAccumulator reads the two differently"
        assert ours["histograms"] and ours["images"], f"{run}: no histograms or images"
        core = dumps[0][run]["series"]
        for tag, pts in ours["scalars"].items():
            got = [tuple(p) for p in core[tag]]
            assert got == pts, f"{run}/{tag}: runlens core and EventAccumulator differ"
            points += len(pts)
        # The add_hparams child's metrics are folded into the run by runlens.
        extra = set(core) - set(ours["scalars"])
        assert extra == {"hparam/val_loss", "hparam/val_accuracy"}, f"{run}: tags {extra}"
        hp = dumps[0][run]["hparams"]
        assert {"lr", "batch_size", "optimizer", "dropout", "weight_decay", "seed"} <= set(hp), \
            f"{run}: hparams {hp}"
    print(f"readers: EventAccumulator and runlens core agree on {points} scalar points of "
          f"{len(dumps[0])} runs (step, wall time, value), histograms and images counted")


if __name__ == "__main__":
    main()
