"""Load + save speed of onnx-convert against the onnx Python package, on a generated large model.

Usage: python bench/io_bench.py ONNX_CONVERT [--megabytes 500] [--repeat 3]

Builds (once, in .cache/bench) a model of ~N MB of float32 initializers feeding a MatMul chain, then times,
warm page cache, best of --repeat runs each:
  disk      dd MODEL to OUT (reading and writing the bytes, the floor for any load + save)
  ours      onnx-convert optimize MODEL -o OUT --rules none (whole process)
  onnx      python -c "onnx.save(onnx.load(MODEL), OUT)" (whole process, onnx imported)
and prints them side by side with peak RSS, and each tool's time beyond the disk time.
"""
import argparse
import os
import subprocess
import sys
import time

import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto


def make_model(path, megabytes):
    side = 1024
    count = max(1, megabytes * 1024 * 1024 // (side * side * 4))
    rng = np.random.default_rng(0)
    weights, nodes = [], []
    previous = "x"
    for i in range(count):
        w = rng.standard_normal((side, side), dtype=np.float32)
        weights.append(numpy_helper.from_array(w, f"w{i}"))
        nodes.append(helper.make_node("MatMul", [previous, f"w{i}"], [f"h{i}"], name=f"matmul{i}"))
        previous = f"h{i}"
    graph = helper.make_graph(
        nodes, "bench",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", side])],
        [helper.make_tensor_value_info(previous, TensorProto.FLOAT, ["batch", side])],
        weights)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="io_bench")
    onnx.save(model, path)


def timed(command):
    """Wall time and peak RSS (MiB) of one child process. Dirty pages of earlier runs are flushed first,
    so no run pays for another's writeback."""
    os.sync()
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if status != 0:
        sys.exit(f"failed: {' '.join(command)}: {process.stderr.read().decode()}")
    return elapsed, usage.ru_maxrss / 1024


def best(command, repeat):
    runs = [timed(command) for _ in range(repeat)]
    return min(r[0] for r in runs), max(r[1] for r in runs)


def main():
    if sys.argv[1] == "--make":
        make_model(sys.argv[2], int(sys.argv[3]))
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("tool")
    parser.add_argument("--megabytes", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    folder = os.path.join(".cache", "bench")
    os.makedirs(folder, exist_ok=True)
    model = os.path.join(folder, f"matmul-{args.megabytes}mb.onnx")
    if not os.path.exists(model):
        # In a child process: a forked child's peak RSS would include this process's pages.
        subprocess.run([sys.executable, __file__, "--make", model, str(args.megabytes)], check=True)
    size = os.path.getsize(model) / 1e6
    out = os.path.join(folder, "out.onnx")
    subprocess.run(["cat", model], stdout=subprocess.DEVNULL, check=True)  # warm the page cache

    rows = [
        ("disk (dd, 64 MiB blocks)", best(["dd", f"if={model}", f"of={out}", "bs=64M", "status=none"], args.repeat)),
        ("onnx-convert optimize --rules none", best([args.tool, "optimize", model, "-o", out, "--rules", "none"], args.repeat)),
        ("python onnx.load + onnx.save", best([sys.executable, "-c",
            f"import onnx; onnx.save(onnx.load({model!r}), {out!r})"], args.repeat)),
    ]
    identical = onnx.load(model) == onnx.load(out)
    print(f"load + save of {model} ({size:.0f} MB), best of {args.repeat}, warm page cache")
    disk = rows[0][1][0]
    print(f"{'':38} {'wall s':>8} {'beyond disk s':>14} {'peak RSS MiB':>13}")
    for name, (seconds, rss) in rows:
        print(f"{name:38} {seconds:8.3f} {seconds - disk:14.3f} {rss:13.0f}")
    print(f"python onnx's output equals the input: {identical}")


if __name__ == "__main__":
    main()
