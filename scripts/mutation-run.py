#!/usr/bin/env python3
"""Runs onnx-convert on every mutated file of a folder (scripts/mutate-fixtures.py) and prints a table.

    scripts/mutation-run.py /tmp/mut --binary .build/release/onnx-convert --jobs 2

Each case runs as `onnx-convert keras CASE -o <fresh folder>/out.onnx` under an address-space cap
(default 8,000,000 KiB, as `ulimit -v 8000000`) and a wall-clock limit (default 60 s, as `timeout 60`).
The table counts: exit codes, deaths by signal, timeouts, cases whose stderr is not exactly one line
starting with `error:` (when the exit is not 0), cases that left any file in the output folder after a
failure, and the largest resident memory. `--list` names every case outside the expected outcome
(exit 0 or one error line with exit 2/3, no leftovers), which is what a regression test should hold.
"""
import argparse
import collections
import concurrent.futures
import os
import pathlib
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time


def limits(kib):
    def apply():
        resource.setrlimit(resource.RLIMIT_AS, (kib * 1024, kib * 1024))
        os.setsid()  # its own process group, so a timeout kills the whole tree
    return apply


def run_case(binary, command, case, kib, timeout):
    with tempfile.TemporaryDirectory(prefix="mutrun-") as folder:
        output = os.path.join(folder, "out.onnx")
        argv = [binary, command, str(case)] + (["-o", output] if command in ("keras", "optimize") else [])
        start = time.monotonic()
        process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=limits(kib))
        chunks = []
        reader = threading.Thread(target=lambda: chunks.append(process.stderr.read()))
        reader.start()
        fired = threading.Event()

        def kill():
            fired.set()
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        timer = threading.Timer(timeout, kill)
        timer.start()
        # wait4 rather than Popen.wait: its rusage holds the case's peak RSS, including waited-for
        # descendants (the contained child process).
        _, status, usage = os.wait4(process.pid, 0)
        timer.cancel()
        reader.join()
        process.returncode = os.waitstatus_to_exitcode(status)
        timed_out = fired.is_set()
        stderr = b"".join(chunks)
        seconds = time.monotonic() - start
        left = sorted(os.listdir(folder))
        return {
            "case": case.name, "rc": process.returncode, "timeout": timed_out, "seconds": seconds,
            "stderr": stderr.decode("utf-8", "replace"), "left": left, "rss": usage.ru_maxrss,
        }


def expected(result):
    lines = result["stderr"].splitlines()
    if result["timeout"] or result["rc"] is None or result["rc"] < 0:
        return False
    if result["rc"] == 0:
        return True
    one_line = len(lines) == 1 and lines[0].startswith("error: ")
    return one_line and result["rc"] in (2, 3) and not result["left"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder")
    parser.add_argument("--binary", default=".build/release/onnx-convert")
    parser.add_argument("--command", default="keras")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--kib", type=int, default=8_000_000, help="address-space cap (ulimit -v)")
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--glob", default="*")
    parser.add_argument("--list", action="store_true", help="print every unexpected case")
    args = parser.parse_args()

    cases = sorted(pathlib.Path(args.folder).glob(args.glob))
    binary = str(pathlib.Path(args.binary).resolve())
    results = []
    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        for result in pool.map(lambda c: run_case(binary, args.command, c, args.kib, args.timeout), cases):
            results.append(result)
    elapsed = time.monotonic() - start

    codes = collections.Counter("timeout" if r["timeout"] else r["rc"] for r in results)
    signals = collections.Counter(-r["rc"] for r in results if not r["timeout"] and r["rc"] < 0)
    multi = [r for r in results if r["rc"] not in (0, None) and len(r["stderr"].splitlines()) != 1]
    not_error = [r for r in results if r["rc"] not in (0, None) and len(r["stderr"].splitlines()) == 1
                 and not r["stderr"].startswith("error: ")]
    left = [r for r in results if r["rc"] != 0 and r["left"]]
    slow = sorted(results, key=lambda r: -r["seconds"])[:3]
    hungry = sorted(results, key=lambda r: -r["rss"])[:3]

    print(f"| binary | {binary} |")
    print(f"| command | {args.command} |")
    print(f"| cases | {len(results)} ({elapsed:.0f} s, {args.jobs} jobs) |")
    histogram = ", ".join("%s: %d" % kv for kv in sorted(codes.items(), key=lambda kv: str(kv[0])))
    print(f"| exit codes | {histogram} |")
    deaths = ", ".join("%s: %d" % (signal.Signals(k).name, v) for k, v in sorted(signals.items())) or "none"
    print(f"| signals | {deaths} |")
    print(f"| timeouts (> {args.timeout:.0f} s) | {codes.get('timeout', 0)} |")
    print(f"| failures without exactly one stderr line | {len(multi)} |")
    print(f"| one line not starting 'error: ' | {len(not_error)} |")
    print(f"| failures leaving files in the output folder | {len(left)} |")
    slowest = ", ".join("%s %.1f s" % (r["case"], r["seconds"]) for r in slow)
    print(f"| slowest | {slowest} |")
    largest = ", ".join("%s %d MiB" % (r["case"], r["rss"] // 1024) for r in hungry)
    print(f"| largest peak RSS | {largest} |")
    print(f"| cases over 1 GiB RSS | {sum(1 for r in results if r['rss'] > 1 << 20)} |")
    if args.list:
        for r in results:
            if not expected(r) or r["rss"] > 1 << 20 or r["seconds"] > 10:
                first = r["stderr"].splitlines()[:1]
                code = "timeout" if r["timeout"] else r["rc"]
                print("%s\trc=%s\tlines=%d\tleft=%s\t%.1fs\t%dMiB\t%s" % (
                    r["case"], code, len(r["stderr"].splitlines()), r["left"], r["seconds"], r["rss"] // 1024,
                    first[0][:160] if first else ""))
    sys.exit(0)


if __name__ == "__main__":
    main()
