#!/usr/bin/env python3
"""Converts every keras.applications model of bench/make_keras_apps.py with onnx-convert and tallies the result.

Usage (the onnx venv's python: onnx and onnxruntime):
    .cache/venv-onnx/bin/python scripts/check_keras_apps.py ONNX_CONVERT [DIR] [--json OUT.json] [--timeout S]

DIR (default .cache/bench/keras) holds k2_NAME.h5, k2_NAME.keras, k3_NAME.h5, k3_NAME.keras and NAME's
kV_NAME.io.npz. For each model file it runs `ONNX_CONVERT keras FILE -o TMP.onnx` and records the exit
code, stderr, wall time and peak RSS of that process; then checks the written model with
onnx.checker.check_model(full_check=True) and runs it in onnxruntime on the recorded inputs. A file is
  PASS         when max |onnxruntime − keras| / max |keras| <= 1e-4 for every output,
  FAIL         when the error is larger, an output's shape differs, or onnx.checker or onnxruntime rejects
               the model,
  UNSUPPORTED  when the converter exits with 3 (layers without a mapping; their classes are listed),
  ERROR        when it exits with any other code or does not finish within --timeout,
  NO-REF       when it converted and the model passed onnx.checker but there is no .io.npz to compare with.
It prints a table (model × Keras version and format) and the tally, then one line per file with the
figures. Peak RSS is the converter process's own ru_maxrss; this script imports only the standard library
(the checks run in a child process), so the floor that a forked child inherits from its parent is ~10 MiB. Files that make_keras_apps.py could not build or save show its reason (DIR/make_keras_apps.json).
Exit code: 1 when a file FAILs or ERRORs, else 0 (UNSUPPORTED is expected while layers are being added).
"""
import argparse
import collections
import glob
import json
import os
import re
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLUMNS = [("2", ".h5"), ("2", ".keras"), ("3", ".h5"), ("3", ".keras")]
TOLERANCE = 1e-4
UNSUPPORTED_EXIT = 3  # ExitStatus.unsupported in Sources/onnx-convert/CLIFailure.swift


class Result:
    def __init__(self, path):
        self.path = path
        self.status = None
        self.error = None          # worst max |err| / max |keras| over the outputs
        self.detail = ""
        self.exit_code = None
        self.seconds = None
        self.peak_mib = None
        self.unsupported = collections.Counter()
        self.stderr = ""

    def cell(self):
        if self.status in ("PASS", "FAIL") and self.error is not None:
            return f"{self.status} {self.error:.1e}"
        if self.status == "UNSUPPORTED":
            return "UNSUPPORTED " + ",".join(self.unsupported)
        return self.status


def run_measured(command, timeout):
    """(exit code or None on timeout, stderr, wall seconds, peak RSS MiB) of one child process. The peak is
    the child's own ru_maxrss (os.wait4), not the maximum over every child this script has started."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err)
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - start > timeout:
                process.kill()
                pid, status, usage = os.wait4(process.pid, 0)
                status = None
                break
            time.sleep(0.02)
        elapsed = time.perf_counter() - start
        process.returncode = 0  # reaped above; keep Popen from waiting again
        err.seek(0)
        stderr = err.read().decode(errors="replace")
    code = None if status is None else os.waitstatus_to_exitcode(status)
    return code, stderr, elapsed, usage.ru_maxrss / 1024


def unsupported_classes(stderr):
    """Layer classes named in the converter's 'N unsupported layers: Class 'name', …' line, with counts."""
    tail = stderr.split("unsupported layer", 1)[-1]
    return collections.Counter(m.group(1) for m in re.finditer(r"([A-Za-z_][\w.>]*) '[^']*'", tail))


def first_line(text):
    lines = [l.strip() for l in text.strip().splitlines() if l.strip()]
    return lines[0][:400] if lines else ""


def compare(onnx_path, io_path):
    """Worst max |err| / max |keras| over the outputs; raises on a shape mismatch."""
    import numpy as np
    import onnxruntime as ort
    data = np.load(io_path)
    options = ort.SessionOptions()
    options.log_severity_level = 3  # not one warning per unused initializer; the tally counts those
    session = ort.InferenceSession(onnx_path, options, providers=["CPUExecutionProvider"])
    feeds = {i.name: data[f"input_{k}"] for k, i in enumerate(session.get_inputs())}
    outputs = session.run(None, feeds)
    expected = [data[k] for k in sorted((k for k in data.files if k.startswith("output_")), key=lambda k: int(k[7:]))]
    if len(outputs) != len(expected):
        raise ValueError(f"{len(outputs)} outputs, keras recorded {len(expected)}")
    worst = 0.0
    for k, (got, want) in enumerate(zip(outputs, expected)):
        if got.shape != want.shape:
            raise ValueError(f"output {k}: shape {got.shape}, keras {want.shape}")
        scale = max(float(np.abs(want).max()), 1e-12) if want.size else 1.0
        worst = max(worst, float(np.abs(got.astype(np.float64) - want).max()) / scale if want.size else 0.0)
    return worst


def check_file(tool, path, io_path, out_dir, timeout):
    result = Result(path)
    target = os.path.join(out_dir, os.path.basename(path) + ".onnx")
    code, stderr, result.seconds, result.peak_mib = run_measured([tool, "keras", path, "-o", target], timeout)
    result.exit_code, result.stderr = code, stderr[-4000:]
    if code is None:
        result.status, result.detail = "ERROR", f"no result within {timeout} s"
        return result
    if code == UNSUPPORTED_EXIT:
        result.status = "UNSUPPORTED"
        result.unsupported = unsupported_classes(stderr)
        result.detail = first_line(stderr)
        return result
    if code != 0:
        result.status, result.detail = "ERROR", f"exit {code}: {first_line(stderr)}"
        return result
    # The checks load the written model (up to GBs) in a child process: this one stays small, because a
    # converter started from a large process would report that process's size as its own peak RSS (a
    # forked child's ru_maxrss starts from its parent's high-water mark).
    try:
        check = subprocess.run([sys.executable, os.path.abspath(__file__), "--verify", target, io_path],
                               capture_output=True, text=True)
    finally:
        if os.path.exists(target):
            os.remove(target)
    try:
        verdict = json.loads(check.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        result.status, result.detail = "FAIL", f"the check crashed: {first_line(check.stderr[-2000:])}"
        return result
    result.status, result.error, result.detail = verdict["status"], verdict["error"], verdict["detail"]
    return result


def verify(target, io_path):
    """The child's part: onnx.checker and onnxruntime on one written model; prints a JSON verdict."""
    result = Result(target)
    check_model(result, target, io_path)
    print(json.dumps({"status": result.status, "error": result.error, "detail": result.detail}))
    return 0


def unused_initializers(model):
    """Initializers of the main graph that no node (nor subgraph) reads and that are not graph outputs."""
    used = {o.name for o in model.graph.output}
    def visit(graph):
        for node in graph.node:
            used.update(node.input)
            for attribute in node.attribute:
                for sub in ([attribute.g] if attribute.HasField("g") else []) + list(attribute.graphs):
                    visit(sub)
    visit(model.graph)
    return sum(1 for i in model.graph.initializer if i.name not in used)


def check_model(result, target, io_path):
    import onnx
    try:
        model = onnx.load(target)
        onnx.checker.check_model(model, full_check=True)
    except Exception as error:  # noqa: BLE001
        result.status, result.detail = "FAIL", f"onnx.checker: {first_line(str(error))}"
        return result
    unused = unused_initializers(model)
    del model
    if unused:
        result.detail = f"{unused} unused initializers"
    if not os.path.exists(io_path):
        result.status, result.detail = "NO-REF", f"{os.path.basename(io_path)} is missing; {result.detail}".rstrip("; ")
        return result
    try:
        result.error = compare(target, io_path)
    except Exception as error:  # noqa: BLE001
        result.status = "FAIL"
        result.detail = f"onnxruntime: {type(error).__name__}: {first_line(str(error))}; {result.detail}".rstrip("; ")
        return result
    result.status = "PASS" if result.error <= TOLERANCE else "FAIL"
    return result


def main():
    if sys.argv[1:2] == ["--verify"]:
        return verify(sys.argv[2], sys.argv[3])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tool", help="the onnx-convert binary")
    parser.add_argument("dir", nargs="?", default=os.path.join(ROOT, ".cache", "bench", "keras"))
    parser.add_argument("--json", help="also write every result to this file")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per conversion (default 600)")
    args = parser.parse_args()
    tool = os.path.abspath(args.tool)
    if not os.access(tool, os.X_OK):
        sys.exit(f"{args.tool}: not an executable (build it with `swift build -c release --product onnx-convert`)")

    pattern = re.compile(r"^k([23])_(\w+)(\.h5|\.keras)$")
    files = {}
    for path in glob.glob(os.path.join(args.dir, "k*_*")):
        match = pattern.match(os.path.basename(path))
        if match:
            files[(match.group(2), match.group(1), match.group(3))] = path
    try:
        with open(os.path.join(args.dir, "make_keras_apps.json")) as f:
            made = json.load(f)
    except (OSError, ValueError):
        made = {}
    models = sorted({name for name, _, _ in files} | {key.split("_", 1)[1] for key in made})
    if not models:
        sys.exit(f"{args.dir}: no k2_/k3_ .h5 or .keras files (make them with bench/make_keras_apps.py)")

    results = {}
    with tempfile.TemporaryDirectory() as out_dir:
        for name in models:
            for version, suffix in COLUMNS:
                path = files.get((name, version, suffix))
                if path is None:
                    continue
                io_path = os.path.join(args.dir, f"k{version}_{name}.io.npz")
                print(f"{os.path.basename(path)} …", end=" ", file=sys.stderr, flush=True)
                result = check_file(tool, path, io_path, out_dir, args.timeout)
                print(result.cell(), file=sys.stderr, flush=True)
                results[(name, version, suffix)] = result

    def missing(name, version, suffix):
        failures = made.get(f"k{version}_{name}", {}).get("failures", [])
        step = [f for f in failures if suffix in f.split(":")[0] or f.startswith(("build", "randomise", "worker"))]
        return ("NOT BUILT", step[0]) if step else ("-", "")

    headers = ["model"] + [f"k{v} {s}" for v, s in COLUMNS]
    rows = []
    for name in models:
        row = [name]
        for version, suffix in COLUMNS:
            result = results.get((name, version, suffix))
            row.append(result.cell() if result else missing(name, version, suffix)[0])
        rows.append(row)
    widths = [max(len(str(r[i])) for r in rows + [headers]) for i in range(len(headers))]
    line = lambda cells: "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"
    print(line(headers))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print(line(row))

    tally = collections.Counter(r.status for r in results.values())
    classes = collections.Counter()
    for r in results.values():
        classes.update({c: 1 for c in r.unsupported})
    print(f"\n{len(results)} files: " + ", ".join(f"{tally[s]} {s}" for s in
          ("PASS", "FAIL", "UNSUPPORTED", "ERROR", "NO-REF") if tally[s]))
    if classes:
        print("unsupported layer classes (files that have them): "
              + ", ".join(f"{c} {n}" for c, n in classes.most_common()))

    print("\nper file: status, converter exit code, wall s, peak RSS MiB, details")
    for (name, version, suffix), r in sorted(results.items()):
        extra = r.detail
        if r.unsupported:
            extra = "classes " + ", ".join(f"{c}×{n}" for c, n in r.unsupported.items())
        # What Keras itself could not do with this file (make_keras_apps.py's report), e.g. reload it.
        keras_failures = [f for f in made.get(f"k{version}_{name}", {}).get("failures", [])
                          if f.split(":")[0].split()[1:2] == [suffix]]
        if keras_failures:
            extra = "; ".join(filter(None, [extra, f"Keras: {keras_failures[0][:160]}"]))
        seconds = "-" if r.seconds is None else f"{r.seconds:.2f}"
        print(f"  {os.path.basename(r.path):28} {r.cell():40} exit {r.exit_code}  {seconds:>6} s  "
              f"{r.peak_mib:7.0f} MiB  {extra}")
    for name in models:
        for version, suffix in COLUMNS:
            if (name, version, suffix) not in results:
                status, why = missing(name, version, suffix)
                if why:
                    print(f"  k{version}_{name}{suffix:22} {status}: {why}")

    if args.json:
        with open(args.json, "w") as f:
            json.dump([{"file": os.path.basename(r.path), "status": r.status, "error": r.error,
                        "exit_code": r.exit_code, "seconds": r.seconds, "peak_rss_mib": r.peak_mib,
                        "unsupported": dict(r.unsupported), "detail": r.detail, "stderr": r.stderr} for r in results.values()],
                      f, indent=1)
    return 1 if tally["FAIL"] or tally["ERROR"] else 0


if __name__ == "__main__":
    sys.exit(main())
