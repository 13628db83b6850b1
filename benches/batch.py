#!/usr/bin/env python3
"""Batch throughput and memory, measured on generated reports.

    python3 benches/batch.py            # builds the release binary first

For 200 reports: the rate of one `nianbao batch` process (PDF only), its peak
RSS, and the rate of one `nianbao render` process per report (run two at a
time, as many as there are cores here). Then 1,000 reports in one batch, to
see that peak memory does not grow with the number of reports.
"""
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "nianbao")


def timed(cmd):
    """Runs cmd; returns (seconds, peak RSS of the child in MB)."""
    before = time.perf_counter()
    proc = subprocess.Popen(cmd, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        sys.exit(f"failed: {' '.join(cmd)}")
    return time.perf_counter() - before, usage.ru_maxrss / 1024


def main():
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    cores = os.cpu_count()
    work = tempfile.mkdtemp(prefix="nianbao-bench-")
    try:
        for count in (200, 1000):
            inputs = os.path.join(work, f"in-{count}")
            subprocess.run([BIN, "example", "--count", str(count), "--seed", "1", "-o", inputs],
                           check=True, stderr=subprocess.DEVNULL)
            secs, rss = timed([BIN, "batch", inputs, "-o", os.path.join(work, f"out-{count}"), "--quiet"])
            print(f"batch {count:>5} reports: {secs:6.2f} s  {count / secs:7.1f} PDFs/s  peak RSS {rss:6.1f} MB"
                  f"  ({cores} cores)")
            if count == 200:
                batch_rate = count / secs
                files = sorted(os.path.join(d, f) for d, _, fs in os.walk(inputs) for f in fs)
                out = os.path.join(work, "single")
                os.makedirs(out)
                start = time.perf_counter()
                running, peak = [], 0.0
                for i, f in enumerate(files):
                    running.append(subprocess.Popen([BIN, "render", f, "-o", os.path.join(out, f"{i}.pdf")],
                                                    stderr=subprocess.DEVNULL))
                    if len(running) >= cores:
                        p = running.pop(0)
                        _, _, usage = os.wait4(p.pid, 0)
                        peak = max(peak, usage.ru_maxrss / 1024)
                for p in running:
                    _, _, usage = os.wait4(p.pid, 0)
                    peak = max(peak, usage.ru_maxrss / 1024)
                secs = time.perf_counter() - start
                single_rate = count / secs
                print(f"render x{count}, {cores} at a time: {secs:6.2f} s  {single_rate:7.1f} PDFs/s"
                      f"  peak RSS {peak:6.1f} MB each")
                print(f"batch / one process per report: {batch_rate / single_rate:.1f}x")
    finally:
        shutil.rmtree(work)


main()
