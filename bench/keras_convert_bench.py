"""Keras → ONNX conversion time and peak memory of onnx-convert, side by side with tf2onnx.

Usage (any python3; it only starts processes):
    python3 bench/keras_convert_bench.py ONNX_CONVERT [--dir DIR] [--repeat 5] [--tf2onnx-repeat 3]
                                          [--timeout 900] [--memory-cap-gib 8]

Models: keras.applications ResNet50 and VGG16 saved by Keras 3 as .h5 with random weights (DIR, default
.cache/bench/keras, k3_ResNet50.h5 and k3_VGG16.h5). A missing one is made by bench/make_keras_apps.py
through the Keras venv (.cache/venv-keras); without that venv the model is skipped with a message.

For each model, whole-process figures (a process is started for every run; the file is in the page cache):
  ours      `ONNX_CONVERT keras MODEL -o OUT.onnx`, median wall time of --repeat runs after one warm-up run,
            the median CPU time (user + system; on a machine shared with other work, wall time also counts
            waiting for a core), and the largest peak RSS (the child's ru_maxrss).
  tf2onnx   `python -m tf2onnx.convert --keras MODEL --output OUT.onnx --opset 17` from the tf2onnx venv
            (.cache/venv-tf2onnx, made by `scripts/python-env.sh tf2onnx converters/keras/requirements-tf2onnx.txt`;
            skipped with a message when it is absent), median of --tf2onnx-repeat runs. tf2onnx 1.17 reads a
            Keras 3 .h5 with Keras 3 (tf-keras cannot: its InputLayer rejects Keras 3's batch_shape), so it runs
            without TF_USE_LEGACY_KERAS. The time includes importing TensorFlow, which the line "tf2onnx
            import" measures on its own. A run is killed and reported as failed when its RSS passes
            --memory-cap-gib or it takes longer than --timeout seconds, so a conversion that runs out of memory
            cannot take the machine down.
Targets printed next to our figures: ResNet-50 ≤ 0.5 s; VGG16 ≤ 2 s and ≤ 1.2 GB (10^9 bytes) peak RSS.
Exit code 1 only when our converter fails; missing venvs and tf2onnx failures are reported, not fatal.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KERAS_PYTHON = os.path.join(ROOT, ".cache", "venv-keras", "bin", "python")
TF2ONNX_PYTHON = os.path.join(ROOT, ".cache", "venv-tf2onnx", "bin", "python")
MIB = 1024 * 1024
# (model, largest seconds, largest peak RSS in bytes or None)
TARGETS = [("ResNet50", 0.5, None), ("VGG16", 2.0, 1.2e9)]


class Run:
    def __init__(self, seconds, cpu, peak_bytes, code, stderr, killed=None):
        self.seconds, self.cpu, self.peak_bytes = seconds, cpu, peak_bytes
        self.code, self.stderr, self.killed = code, stderr, killed

    @property
    def ok(self):
        return self.code == 0 and self.killed is None

    def why(self):
        if self.killed:
            return self.killed
        lines = [l.strip() for l in self.stderr.strip().splitlines() if l.strip()]
        errors = [l for l in lines if "Error" in l or l.startswith("error")]
        return f"exit {self.code}: {(errors or lines or [''])[-1][:300]}"


def tree_rss(pid):
    """Resident bytes of a process and its descendants (from /proc), 0 when it is gone."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            with open(f"/proc/{current}/statm") as f:
                total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            with open(f"/proc/{current}/task/{current}/children") as f:
                pending += [int(c) for c in f.read().split()]
        except (OSError, ValueError):
            pass
    return total


def measure(command, env=None, timeout=900, memory_cap=None):
    """Wall time and peak RSS of one process (its own ru_maxrss, from os.wait4), killed — with its children,
    it leads a process group of its own — when it passes the timeout or the memory cap."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err, env=env, start_new_session=True)
        killed = None
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            elapsed = time.perf_counter() - start
            if killed is None and elapsed > timeout:
                killed = f"killed after {timeout:.0f} s"
            elif killed is None and memory_cap and tree_rss(process.pid) > memory_cap:
                killed = f"killed at {memory_cap / 2**30:.1f} GiB RSS (--memory-cap-gib)"
            if killed:
                os.killpg(process.pid, 9)
                _, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.05)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped above
        err.seek(0)
        stderr = err.read().decode(errors="replace")
    return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, process.returncode, stderr, killed)


def series(command, repeat, warmup, **options):
    """(median wall seconds, median CPU seconds, largest peak bytes, None) over `repeat` runs, or
    (None, None, peak, why) at the first failure."""
    runs = []
    for i in range(warmup + repeat):
        run = measure(command, **options)
        if not run.ok:
            return None, None, run.peak_bytes, run.why()
        if i >= warmup:
            runs.append(run)
    return (statistics.median(r.seconds for r in runs), statistics.median(r.cpu for r in runs),
            max(r.peak_bytes for r in runs), None)


def ensure_model(folder, name, keras_python):
    """Path of k3_NAME.h5, made through the Keras venv when missing; (None, why) when it cannot be."""
    path = os.path.join(folder, f"k3_{name}.h5")
    if os.path.exists(path):
        return path, None
    if not os.access(keras_python, os.X_OK):
        return None, (f"{path} is missing and there is no Keras venv to make it "
                      f"(scripts/python-env.sh keras converters/keras/requirements.txt, then "
                      f"bench/make_keras_apps.py --keras 3 {name})")
    print(f"making {path} with bench/make_keras_apps.py …", flush=True)
    made = subprocess.run(["nice", "-n", "10", keras_python, os.path.join(ROOT, "bench", "make_keras_apps.py"),
                           "--out", folder, "--keras", "3", name])
    if made.returncode != 0 or not os.path.exists(path):
        return None, f"bench/make_keras_apps.py could not make {path} (see its summary above)"
    return path, None


def fmt_seconds(value):
    return "-" if value is None else f"{value:.2f}" if value < 100 else f"{value:.0f}"


def fmt_mib(value):
    return "-" if value is None else f"{value / MIB:.0f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tool")
    parser.add_argument("--dir", default=os.path.join(ROOT, ".cache", "bench", "keras"))
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of ours (median)")
    parser.add_argument("--tf2onnx-repeat", type=int, default=3, help="timed runs of tf2onnx (median)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds before a tf2onnx run is killed")
    parser.add_argument("--memory-cap-gib", type=float, default=8, help="RSS at which a tf2onnx run is killed")
    parser.add_argument("--no-tf2onnx", action="store_true", help="only our converter")
    parser.add_argument("--keras-python", default=KERAS_PYTHON, help="python of the Keras venv (makes models)")
    parser.add_argument("--tf2onnx-python", default=TF2ONNX_PYTHON, help="python of the tf2onnx venv")
    parser.add_argument("--models", default=",".join(t[0] for t in TARGETS), help="comma-separated: ResNet50,VGG16")
    args = parser.parse_args()
    tool = os.path.abspath(args.tool)
    if not os.access(tool, os.X_OK):
        sys.exit(f"{args.tool}: not an executable")
    os.makedirs(args.dir, exist_ok=True)
    chosen = [t for t in TARGETS if t[0] in args.models.split(",")]

    tf2onnx_why = "--no-tf2onnx" if args.no_tf2onnx else None
    if tf2onnx_why is None and not os.access(args.tf2onnx_python, os.X_OK):
        tf2onnx_why = ("no tf2onnx venv; make it with "
                       "`scripts/python-env.sh tf2onnx converters/keras/requirements-tf2onnx.txt`")
    if tf2onnx_why:
        print(f"tf2onnx skipped: {tf2onnx_why}", flush=True)
    tf2onnx_env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", TF_USE_LEGACY_KERAS="0", CUDA_VISIBLE_DEVICES="")
    cap = args.memory_cap_gib * 2**30

    rows, failed = [], False
    out_dir = tempfile.mkdtemp(prefix="keras-convert-bench-", dir=os.path.dirname(os.path.abspath(args.dir)))
    try:
        if tf2onnx_why is None:
            seconds, cpu, peak, why = series([args.tf2onnx_python, "-c", "import tensorflow, tf2onnx.convert"], 1, 0,
                                             env=tf2onnx_env, timeout=args.timeout, memory_cap=cap)
            rows.append(("-", "tf2onnx import", seconds, cpu, peak, why or "python -c 'import tensorflow, tf2onnx'", ""))
        for name, seconds_target, memory_target in chosen:
            path, why = ensure_model(args.dir, name, args.keras_python)
            if path is None:
                print(f"skipped {name}: {why}", flush=True)
                rows.append((name, "ours", None, None, None, "skipped (see above)", ""))
                continue
            output = os.path.join(out_dir, f"{name}.onnx")
            print(f"{name}: ours ×{args.repeat} …", flush=True)
            seconds, cpu, peak, why = series([tool, "keras", path, "-o", output], args.repeat, 1, timeout=args.timeout)
            if why:
                failed = True
                target = f"≤ {seconds_target:g} s" + (f", ≤ {memory_target / 1e9:g} GB" if memory_target else "")
                rows.append((name, "ours", None, None, peak, f"FAILED {why}", target))
            else:
                verdict = lambda ok: "met" if ok else "MISSED"
                target = f"≤ {seconds_target:g} s {verdict(seconds <= seconds_target)}"
                if memory_target:
                    target += f", ≤ {memory_target / 1e9:g} GB {verdict(peak <= memory_target)}"
                rows.append((name, "ours", seconds, cpu, peak, f"{os.path.getsize(path) / 1e6:.0f} MB .h5", target))
            if tf2onnx_why:
                rows.append((name, "tf2onnx", None, None, None, "skipped (see above)", ""))
                continue
            print(f"{name}: tf2onnx ×{args.tf2onnx_repeat} …", flush=True)
            command = [args.tf2onnx_python, "-m", "tf2onnx.convert", "--keras", path, "--output", output, "--opset", "17"]
            seconds, cpu, peak, why = series(command, args.tf2onnx_repeat, 0, env=tf2onnx_env,
                                             timeout=args.timeout, memory_cap=cap)
            rows.append((name, "tf2onnx", seconds, cpu, peak, f"FAILED {why}" if why else "", ""))
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)

    headers = ("model", "tool", "median s", "cpu s", "peak RSS MiB", "target", "notes")
    table = [headers] + [(m, t, fmt_seconds(s), fmt_seconds(c), fmt_mib(p), target, note)
                         for m, t, s, c, p, note, target in rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(headers))]
    print()
    for i, row in enumerate(table):
        print("  ".join(c.ljust(w) if j in (0, 1, 5, 6) else c.rjust(w) for j, (c, w) in enumerate(zip(row, widths))))
        if i == 0:
            print("  ".join("-" * w for w in widths))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
