#!/usr/bin/env python3
"""Measure ``itukg build`` end to end on the corpus and on 1, 10, 100 and 1,000 generated documents.

    python benchmarks/bench_build.py [--counts 1 10 100 1000] [--repeat 3] [--workers N]
        [--out docs/benchmarks.md] [--json docs/benchmarks-build.json] [--chart docs/img/bench-build.svg]

Each run is a fresh ``itukg build --quiet --json`` process on a new, empty store directory (what
a user runs). Per run it records wall time, CPU time (user + system of the build and its parser
workers, from ``wait4``), the peak resident memory of the largest process in the build's tree,
the triples loaded and the build's own phase timings. Each case runs ``--repeat`` times (the
1,000-document case once unless asked otherwise); the table shows the median run.

CPU seconds matter as much as wall seconds here: on a shared 2-core machine other work steals
the CPUs, and wall time then says more about the neighbours than about the build. The load
average at the start and end of each case is recorded for that reason.

Writes the "Build" section of ``docs/benchmarks.md`` (between ``<!-- bench_build:begin -->`` and
``<!-- bench_build:end -->``), the raw figures as JSON and a chart (SVG, matplotlib from the
``bench`` extra; skipped with a note when matplotlib is missing).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import docsection  # benchmarks/docsection.py: the script's own folder is on sys.path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate import generate  # noqa: E402

SECTION_BEGIN = "<!-- bench_build:begin -->"
SECTION_END = "<!-- bench_build:end -->"
TARGETS = {"corpus": 2.0, "1000": 60.0}


NOTES = """How to read this. The machine is shared: the load average column shows how many other
processes wanted its 2 CPUs during each case, and wall time stretches with it; CPU seconds are
what the build itself consumed. Where the CPU goes: parsing and mapping cost about 10 ms per
generated document (in the worker processes); everything else is pyoxigraph's bulk loader writing
RocksDB (its table files for the six quad indexes plus the string table), about 15-20 µs per
quad here, and a generated document has about 3,700 triples, 40% of them provenance
(`ikg:LinkAssertion` nodes, `ikg:inDocument`, `prov:wasDerivedFrom`, source lines). The whole
build goes through one bulk-load call (32 MB batches cost about 20% more loader CPU at 1,000
documents because RocksDB compacts the overlapping table files of each batch; the price is the
loader's own batches in memory, the peak MB column), and the workers validate the mapped data
so the loader can skip re-validating IRIs (about 15% less loader CPU). Faster builds would
need fewer triples per document (a model decision) or RocksDB options that pyoxigraph's Python
API does not expose."""


@dataclass
class Run:
    wall: float
    cpu: float
    peak_rss_mb: float
    triples: int
    document_triples: int
    warnings: int
    timings: dict[str, float]


@dataclass
class Case:
    name: str
    documents: int
    runs: list[Run] = field(default_factory=list)
    load_before: float = 0.0
    load_after: float = 0.0

    @property
    def median(self) -> Run:
        ordered = sorted(self.runs, key=lambda r: r.wall)
        return ordered[(len(ordered) - 1) // 2]


def itukg_command() -> list[str]:
    exe = Path(sys.executable).parent / "itukg"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "itukg.cli"]


def run_build(paths: list[Path], store: Path, workers: int | None) -> Run:
    """One ``itukg build`` in a child process; raises RuntimeError if it fails."""
    cmd = itukg_command() + ["--store", str(store), "build", "--quiet", "--json"]
    if workers:
        cmd += ["--workers", str(workers)]
    cmd += [str(p) for p in paths]
    out = tempfile.TemporaryFile()
    err = tempfile.TemporaryFile()
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    out.seek(0)
    err.seek(0)
    if proc.returncode != 0:
        raise RuntimeError(f"build failed ({proc.returncode}): {err.read().decode()[-2000:]}")
    report = json.loads(out.read())
    doc_triples = sum(d["triples"] for d in report["documents"])
    return Run(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        peak_rss_mb=usage.ru_maxrss / 1024,
        triples=report["total_triples"],
        document_triples=doc_triples,
        warnings=sum(len(d["warnings"]) for d in report["documents"]),
        timings=report["timings"],
    )


def measure(name: str, paths: list[Path], documents: int, repeat: int, work: Path,
            workers: int | None) -> Case:
    case = Case(name, documents, load_before=os.getloadavg()[0])
    for i in range(repeat):
        store = work / f"store-{name}-{i}"
        shutil.rmtree(store, ignore_errors=True)
        r = run_build(paths, store, workers)
        case.runs.append(r)
        shutil.rmtree(store, ignore_errors=True)
        print(f"  {name:>7} run {i + 1}/{repeat}: {r.wall:6.2f} s wall, {r.cpu:6.2f} s CPU, "
              f"{r.triples} triples, {r.peak_rss_mb:.0f} MB", file=sys.stderr, flush=True)
    case.load_after = os.getloadavg()[0]
    return case


def markdown(cases: list[Case], meta: dict) -> str:
    lines = [
        SECTION_BEGIN,
        "## Build",
        "",
        f"`itukg build` end to end (a fresh process and an empty store per run), measured by "
        f"`python benchmarks/bench_build.py` on {meta['date']} ({meta['machine']}). "
        "Generated documents come from `benchmarks/generate.py` (seed 1). Median of "
        f"{meta['repeat']} runs ({meta['repeat_big']} for 1,000 documents). CPU is user + system time of "
        "the build and its parser workers; peak memory is the largest process of the build.",
        "",
        "| documents | triples | wall s | CPU s | wall ms/doc | CPU ms/doc | peak MB | load avg | target |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for c in cases:
        m = c.median
        per_wall = m.wall / c.documents * 1000
        per_cpu = m.cpu / c.documents * 1000
        target = TARGETS.get(c.name)
        verdict = ""
        if target is not None:
            verdict = f"< {target:g} s: {'met' if m.wall < target else 'NOT met'}"
        label = "corpus (1)" if c.name == "corpus" else f"{c.documents:,}"
        lines.append(
            f"| {label} | {m.triples:,} | {m.wall:.2f} | {m.cpu:.2f} | {per_wall:.1f} | "
            f"{per_cpu:.1f} | {m.peak_rss_mb:.0f} | {c.load_before:.1f}–{c.load_after:.1f} | {verdict} |"
        )
    cores = os.cpu_count() or 1
    largest = max(cases, key=lambda c: c.documents)
    m = largest.median
    lines += ["", f"The {largest.documents:,}-document build used {m.cpu:.0f} CPU seconds; on {cores} "
              f"otherwise idle CPUs it could not take less than {m.cpu / cores:.0f} s of wall time "
              f"(CPU / {cores}), here it took {m.wall:.0f} s with the load average at "
              f"{largest.load_before:.1f}–{largest.load_after:.1f}. The cost per document is flat "
              f"from 100 documents on: CPU "
              + ", ".join(f"{c.median.cpu / c.documents * 1000:.0f} ms" for c in cases
                          if c.name != "corpus" and c.documents >= 100)
              + " per document."]
    big = [c for c in cases if c.documents >= 10 and c.name != "corpus"]
    if big:
        lines += ["", "Phases of the median run (seconds, from the build's own report):", "",
                  "| documents | ontology load | waiting for reference | documents: parse, map, bulk load | of which waiting for parsers | commit |",
                  "|---|---:|---:|---:|---:|---:|"]
        for c in cases:
            t = c.median.timings
            label = "corpus (1)" if c.name == "corpus" else f"{c.documents:,}"
            lines.append(
                f"| {label} | {t.get('ontology_load', 0):.2f} | {t.get('reference_wait', 0):.2f} | "
                f"{t.get('documents', 0):.2f} | {t.get('parse_wait', 0):.2f} | {t.get('commit', 0):.2f} |"
            )
    lines += ["", f"![Build time per document](img/{meta['chart']})" if meta.get("chart") else "",
              "", NOTES, "", SECTION_END, ""]
    return "\n".join(lines)


def write_section(path: Path, section: str) -> None:
    docsection.write_section(path, section, SECTION_BEGIN, SECTION_END)


def chart(cases: list[Case], path: Path) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("bench_build: matplotlib is not installed (pip install -e '.[bench]'); no chart",
              file=sys.stderr)
        return False
    gen = [c for c in cases if c.name != "corpus"]
    xs = [c.documents for c in gen]
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(xs, [c.median.wall / c.documents * 1000 for c in gen], "o-", label="wall time per document")
    ax.plot(xs, [c.median.cpu / c.documents * 1000 for c in gen], "s--", label="CPU time per document")
    for c in gen:
        ax.annotate(f"{c.median.wall / c.documents * 1000:.0f}", (c.documents, c.median.wall / c.documents * 1000),
                    textcoords="offset points", xytext=(0, 6), ha="center", fontsize=8)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xticks(xs)
    ax.set_xticklabels([f"{x:,}" for x in xs])
    ax.set_xlabel("generated documents in one build")
    ax.set_ylabel("milliseconds per document (log)")
    ax.set_title("itukg build: cost per document (lower is better; flat = linear)")
    ax.grid(True, alpha=0.3)
    ax.legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format=path.suffix.lstrip(".") or "svg")
    plt.close(fig)
    return True


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--counts", type=int, nargs="*", default=[1, 10, 100, 1000])
    ap.add_argument("--repeat", type=int, default=3, help="runs per case (median reported)")
    ap.add_argument("--repeat-big", type=int, default=1, help="runs for cases of 1,000+ documents")
    ap.add_argument("--workers", type=int, default=None, help="parser processes (default: the build's)")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    ap.add_argument("--json", type=Path, default=ROOT / "docs" / "benchmarks-build.json")
    ap.add_argument("--chart", type=Path, default=ROOT / "docs" / "img" / "bench-build.svg")
    ap.add_argument("--work", type=Path, default=None, help="working directory (default: temporary)")
    ap.add_argument("--no-write", action="store_true", help="print only; write no files")
    ap.add_argument("--from-json", type=Path, default=None,
                    help="redraw the section and chart from figures saved by an earlier run")
    args = ap.parse_args(argv)
    if args.from_json is not None:
        saved = json.loads(args.from_json.read_text(encoding="utf-8"))
        cases = []
        for c in saved["cases"]:
            case = Case(c["name"], c["documents"], load_before=c["load_before"], load_after=c["load_after"])
            case.runs = [Run(**r) for r in c["runs"]]
            cases.append(case)
        meta = saved["meta"]
        meta["chart"] = args.chart.name if chart(cases, args.chart) else None
        write_section(args.out, markdown(cases, meta))
        print(f"bench_build: redrew {args.out} and {args.chart} from {args.from_json}", file=sys.stderr)
        return 0

    work = args.work or Path(tempfile.mkdtemp(prefix="itukg-bench-build-"))
    try:
        docs_dir = work / "docs"
        n_max = max(args.counts, default=0)
        print(f"bench_build: generating {n_max} documents in {docs_dir}", file=sys.stderr)
        all_docs = generate(n_max, docs_dir, seed=1) if n_max else []
        corpus_docs = len(list((ROOT / "corpus").glob("*.txt")))
        cases = [measure("corpus", [ROOT / "corpus"], corpus_docs, args.repeat, work, args.workers)]
        for n in args.counts:
            repeat = args.repeat_big if n >= 1000 else args.repeat
            sub = docs_dir.parent / f"docs-{n}"
            sub.mkdir(exist_ok=True)
            for p in all_docs[:n]:
                link = sub / p.name
                if not link.exists():
                    os.symlink(p, link)
            cases.append(measure(str(n), [sub], n, repeat, work, args.workers))
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)

    meta = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{os.cpu_count()} CPUs, {platform.system()} {platform.release()}, "
                   f"Python {platform.python_version()}",
        "repeat": args.repeat,
        "repeat_big": args.repeat_big,
        "chart": args.chart.name if args.chart else None,
    }
    wrote_chart = False if args.no_write else chart(cases, args.chart)
    if not wrote_chart:
        meta["chart"] = None
    section = markdown(cases, meta)
    print(section)
    if not args.no_write:
        write_section(args.out, section)
        args.json.write_text(json.dumps(
            {"meta": meta, "cases": [{**asdict(c), "median": asdict(c.median)} for c in cases]},
            indent=2) + "\n", encoding="utf-8")
        print(f"bench_build: wrote {args.out}, {args.json}" + (f", {args.chart}" if wrote_chart else ""),
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
