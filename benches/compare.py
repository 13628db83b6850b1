#!/usr/bin/env python3
"""nianbao batch against typst-py on the same Typst documents.

    python3 benches/compare.py                  # builds the release binary first
    python3 benches/compare.py --bin target/debug/nianbao --count 24 --rounds 2

Needs typst-py 0.15.x (`pip install 'typst>=0.15,<0.16'`, the same Typst as
nianbao) and poppler's `pdfinfo` (or pypdf).

Inputs: N real-size reports (default 84), the real ones in `fixtures/*.json`
and `fixtures/corpus/json/*.json` taken round-robin, each copy under another
agency name (`agency`, and the agency in `title` where there is one, changed;
everything else as published), so that no two are the same report. They are
exported once with `nianbao batch IN -o EXP --format typst`: one folder per
report holding the embedded template (`main.typ`) and its data
(`layout.json`), the very documents nianbao typesets.

Then, interleaved for R rounds (default 5):

- nianbao: `nianbao batch IN -o OUT --format pdf --jobs W --quiet`, one
  process: JSON to PDF, checks and layout included.
- typst-py: a pool of W worker processes (default: one per core), each
  with one warm `typst.Compiler` (bundled fonts from `fonts/`, no system
  fonts), taking the next exported folder from one queue whenever it has
  compiled one, as nianbao's jobs take the next report: a worker that got
  short reports is never idle while another still has long ones (a static
  split, every W-th folder to a worker, left a core idle at the end and made
  the ratio look better for nianbao than it is). The same Compiler goes
  from document to document with `compile(input=DIR/main.typ, root=DIR)`:
  it keeps its fonts, standard library and memo cache, and reads the files
  of the new root afresh (every compile resets its file slots and re-reads
  by content hash). Only the Typst half is measured here: the layout data is
  already made. Workers are forked from this script, already holding
  Python and typst-py: their start costs less than a process of its own.

Measured per side: wall time (process start included), CPU time of the
processes (ru_utime + ru_stime from os.wait4) and peak RSS (ru_maxrss; for
typst-py the largest worker and all workers together). Printed per round,
then medians: seconds, PDFs/s, ms of CPU per report, peak RSS, and the ratio
of nianbao's throughput to typst-py's.

At the end both sides must have written N PDFs, and each report's PDF must
have the same page count and title on both sides. The titles differ from
report to report and page counts vary, so a Compiler that handed back an
earlier document would be caught.

Caveat: copies of one real report share all their prose. typst-py keeps
memo entries used within its last 10 compilations, nianbao empties Typst's
caches after each report. Copies of one report are about as many
compilations apart in a worker's share as there are real reports (11 today),
so typst-py gains little from the repetition, but it does keep what every
report shares (the template, the tables' labels).
"""
import argparse
import json
import os
import queue
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FONTS = os.path.join(ROOT, "fonts")

# New agency names: places × offices, every character in the bundled fonts.
PLACES = ["北关区", "东城县", "西山区", "南湖县", "平安镇", "河口区", "青石县", "云溪区", "临江市", "清河县", "石桥镇", "长宁区"]
OFFICES = ["教育局", "财政局", "交通运输局", "自然资源局", "卫生健康委员会", "市场监督管理局",
           "人民政府办公室", "水利局", "农业农村局", "民政局", "司法局", "统计局"]


def agency_name(i):
    name = PLACES[i % len(PLACES)] + OFFICES[(i // len(PLACES)) % len(OFFICES)]
    rounds = i // (len(PLACES) * len(OFFICES))
    return f"{name}第{rounds + 1}分局" if rounds else name


def sources(nianbao):
    """The real reports, sorted; any that nianbao refuses is left out, with a note."""
    found = []
    for folder in (os.path.join(ROOT, "fixtures"), os.path.join(ROOT, "fixtures", "corpus", "json")):
        if os.path.isdir(folder):
            found += sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith(".json"))
    usable = []
    for path in found:
        check = subprocess.run([nianbao, "check", path], capture_output=True, text=True)
        if check.returncode == 0:
            usable.append(path)
        elif check.returncode == 1:
            print(f"left out (refused): {os.path.relpath(path, ROOT)}", file=sys.stderr)
        else:
            sys.exit(f"nianbao check {path} failed ({check.returncode}):\n{check.stderr}")
    if not usable:
        sys.exit("no real reports found in fixtures/ and fixtures/corpus/json/")
    return usable


def make_inputs(paths, count, folder):
    """Writes `count` reports, the real ones round-robin, each under a new agency name."""
    os.makedirs(folder)
    for i in range(count):
        path = paths[i % len(paths)]
        with open(path, encoding="utf-8") as f:
            report = json.load(f)
        old, new = report["agency"], agency_name(i)
        report["agency"] = new
        if isinstance(report.get("title"), str):
            title = report["title"]
            report["title"] = title.replace(old, new) if old in title else new + title
        stem = os.path.splitext(os.path.basename(path))[0]
        with open(os.path.join(folder, f"{i:03d}-{stem}.json"), "w", encoding="utf-8") as f:
            json.dump(report, f, ensure_ascii=False, indent=2)


def exported(folder):
    """The relative names (without `.typst`) of the exported documents, sorted."""
    names = []
    for d, subdirs, _ in os.walk(folder):
        for s in list(subdirs):
            if s.endswith(".typst"):
                subdirs.remove(s)
                full = os.path.join(d, s)
                for f in ("main.typ", "layout.json"):
                    if not os.path.isfile(os.path.join(full, f)):
                        sys.exit(f"export incomplete: {full} has no {f}")
                names.append(os.path.relpath(full, folder)[: -len(".typst")])
    return sorted(names)


def wait(procs):
    """Waits for every process; returns (CPU seconds, peak RSS MB of each)."""
    cpu, rss = 0.0, []
    for p in procs:
        _, status, usage = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        cpu += usage.ru_utime + usage.ru_stime
        rss.append(usage.ru_maxrss / 1024)
    return cpu, rss


def run_nianbao(nianbao, inputs, out, jobs, log):
    cmd = [nianbao, "batch", inputs, "-o", out, "--format", "pdf", "--jobs", str(jobs), "--quiet"]
    start = time.perf_counter()
    with open(log, "w") as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
        cpu, rss = wait([proc])
    secs = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{open(log).read()}")
    return secs, cpu, rss


def run_typst_py(export, names, out, workers):
    """A pool of W worker processes fed from one queue; (seconds, CPU seconds, peak RSS MB of each)."""
    import multiprocessing
    import resource

    ctx = multiprocessing.get_context("fork")
    todo, done = ctx.Queue(), ctx.Queue()
    for name in names:
        todo.put(name)
    for _ in range(workers):
        todo.put(None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    procs = [ctx.Process(target=worker, args=(todo, done, export, out)) for _ in range(workers)]
    for p in procs:
        p.start()
    reports = []
    while len(reports) < workers:
        try:
            reports.append(done.get(timeout=1))
        except queue.Empty:
            # A worker killed outright (out of memory, a crash in Typst)
            # says nothing: seen by its exit code.
            if any(p.exitcode not in (None, 0) for p in procs):
                sys.exit(f"typst-py worker died: exit codes {[p.exitcode for p in procs]}")
    for p in procs:
        p.join()
    secs = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    failed = [r for r in reports if isinstance(r, str)]
    if failed or any(p.exitcode != 0 for p in procs):
        sys.exit("typst-py worker failed:\n" + "\n".join(failed))
    return secs, cpu, reports


def worker(todo, done, export, out):
    """One worker: one warm Compiler, given the next document until the queue says stop."""
    import resource
    import traceback

    try:
        import typst

        compiler = typst.Compiler(font_paths=[FONTS], ignore_system_fonts=True)
        while (name := todo.get()) is not None:
            doc = os.path.abspath(os.path.join(export, name + ".typst"))
            pdf = os.path.join(out, name + ".pdf")
            os.makedirs(os.path.dirname(pdf), exist_ok=True)
            compiler.compile(input=os.path.join(doc, "main.typ"), root=doc, output=pdf, format="pdf")
        done.put(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    except BaseException:
        done.put(traceback.format_exc())
        raise


def pdf_facts(path):
    """(pages, title) of a PDF: pdfinfo where there is one, else pypdf."""
    if shutil.which("pdfinfo"):
        out = subprocess.run(["pdfinfo", "-enc", "UTF-8", path], capture_output=True, text=True, check=True).stdout
        fields = dict(line.split(":", 1) for line in out.splitlines() if ":" in line)
        return int(fields["Pages"]), fields.get("Title", "").strip()
    import pypdf  # noqa: only where pdfinfo is missing

    reader = pypdf.PdfReader(path)
    return len(reader.pages), (reader.metadata.title if reader.metadata else "") or ""


def pdfs(folder):
    return sorted(os.path.relpath(os.path.join(d, f), folder)
                  for d, _, fs in os.walk(folder) for f in fs if f.endswith(".pdf"))


def verify(count, nianbao_out, typst_out):
    """Both sides wrote the same N PDFs, with the same page count and title each."""
    ours, theirs = pdfs(nianbao_out), pdfs(typst_out)
    problems = []
    if len(ours) != count or len(theirs) != count:
        problems.append(f"PDFs written: nianbao {len(ours)}, typst-py {len(theirs)}, expected {count}")
    if ours != theirs:
        problems.append(f"different files: {sorted(set(ours) ^ set(theirs))[:5]}")
    pages, titles = [], set()
    for name in sorted(set(ours) & set(theirs)):
        a, b = pdf_facts(os.path.join(nianbao_out, name)), pdf_facts(os.path.join(typst_out, name))
        if a != b:
            problems.append(f"{name}: nianbao {a[0]} pages {a[1]!r}, typst-py {b[0]} pages {b[1]!r}")
        pages.append(a[0])
        titles.add(b[1])
    if len(titles) != len(theirs):
        problems.append(f"only {len(titles)} distinct titles among typst-py's {len(theirs)} PDFs")
    return pages, problems


def main():
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bin", help="the nianbao binary to use (then nothing is built)")
    parser.add_argument("--count", type=int, default=84, help="reports per round (default 84)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds (default 5)")
    parser.add_argument("--workers", type=int, default=cores,
                        help=f"typst-py processes and nianbao --jobs (default: cores, {cores})")
    parser.add_argument("--work", help="keep inputs and outputs in this folder (default: a temporary one)")
    args = parser.parse_args()
    if args.count < 1 or args.rounds < 1 or args.workers < 1:
        parser.error("--count, --rounds and --workers must be at least 1")

    if args.bin:
        nianbao = os.path.abspath(args.bin)
    else:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
        target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
        nianbao = os.path.join(target, "release", "nianbao")
    import typst  # fail early, before any work, where typst-py is missing

    if args.work:
        if os.path.exists(args.work) and os.listdir(args.work):
            sys.exit(f"--work {args.work} is not empty")
        work = os.path.abspath(args.work)
        os.makedirs(work, exist_ok=True)
    else:
        work = tempfile.mkdtemp(prefix="nianbao-compare-")
    try:
        real = sources(nianbao)
        inputs, export = os.path.join(work, "in"), os.path.join(work, "export")
        make_inputs(real, args.count, inputs)
        cmd = [nianbao, "batch", inputs, "-o", export, "--format", "typst", "--quiet"]
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"failed ({done.returncode}): {' '.join(cmd)}\n{done.stderr}")
        names = exported(export)
        if len(names) != args.count:
            sys.exit(f"the export holds {len(names)} documents, expected {args.count}")
        print(f"{args.count} reports from {len(real)} real ones; {args.workers} jobs / typst-py workers "
              f"on {cores} cores; typst-py {typst.__version__}")

        sides = {"nianbao": [], "typst-py": []}
        outs = {side: os.path.join(work, f"out-{side}") for side in sides}
        for r in range(args.rounds):
            for side, out in outs.items():
                shutil.rmtree(out, ignore_errors=True)
            nb = run_nianbao(nianbao, inputs, outs["nianbao"], args.workers, os.path.join(work, "nianbao.log"))
            tp = run_typst_py(export, names, outs["typst-py"], args.workers)
            sides["nianbao"].append(nb)
            sides["typst-py"].append(tp)
            print(f"round {r + 1}/{args.rounds}:  nianbao batch {nb[0]:6.2f} s {args.count / nb[0]:6.1f} PDFs/s"
                  f"  |  typst-py x{args.workers} {tp[0]:6.2f} s {args.count / tp[0]:6.1f} PDFs/s")

        med = {}
        for side, runs in sides.items():
            secs = statistics.median(s for s, _, _ in runs)
            med[side] = {
                "seconds": f"{secs:.2f}",
                "PDFs/s": f"{args.count / secs:.1f}",
                "ms CPU per report": f"{statistics.median(c for _, c, _ in runs) * 1000 / args.count:.0f}",
                "peak RSS MB": f"{statistics.median(max(m) for _, _, m in runs):.0f}",
                "peak RSS MB, all processes": f"{statistics.median(sum(m) for _, _, m in runs):.0f}",
            }
        print(f"\n{'medians of ' + str(args.rounds) + ' rounds':<30} {'nianbao batch':>14} {'typst-py x' + str(args.workers):>14}")
        for key in med["nianbao"]:
            print(f"{key:<30} {med['nianbao'][key]:>14} {med['typst-py'][key]:>14}")
        ratio = statistics.median(s for s, _, _ in sides["typst-py"]) / statistics.median(
            s for s, _, _ in sides["nianbao"])
        print(f"throughput nianbao / typst-py: {ratio:.2f}x")

        pages, problems = verify(args.count, outs["nianbao"], outs["typst-py"])
        if problems:
            print("\nCHECK FAILED:\n  " + "\n  ".join(problems[:20]), file=sys.stderr)
            sys.exit(1)
        print(f"checked: {args.count} PDFs each side, same page count and title per report "
              f"({min(pages)}–{max(pages)} pages, {sum(pages)} in all)")
    finally:
        if not args.work:
            shutil.rmtree(work)


if __name__ == "__main__":
    main()
