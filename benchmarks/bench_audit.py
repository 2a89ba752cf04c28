#!/usr/bin/env python3
"""Measure the audit on 1, 10, 100 and 1,000 generated documents, against Jena's SHACL engine.

    python benchmarks/bench_audit.py [--counts 1 10 100 1000] [--seed 1] [--work DIR]
        [--pyshacl-max 100] [--no-jena] [--jena-heap 12g]
        [--out docs/benchmarks.md] [--json docs/benchmarks-audit.json]
        [--chart docs/img/bench-audit.svg]

Per count N it generates N documents (``benchmarks/generate.py N DIR --seed S``), builds a store
from them (``itukg.graph.build``; not timed here, see the Build section) and then measures, on the
same data and the same shapes:

- **itukg, fast engine**: ``run_audit(store, settings, store_report=False)`` in a fresh process
  (validation and the report model: findings with their lines, labels and messages);
- **itukg audit**: the command as a user runs it (``itukg audit -f json -o FILE``: a fresh
  process, the report written and stored in the audit graph);
- **Jena**: ``shacl.shacl validate`` of Debian's ``libapache-jena-java`` on the documents' and the
  reference graph dumped as N-Triples (the data it is given to parse is part of its time, as the
  store is part of ours; Jena's parse time alone is measured too with ``riotcmd.riot --count``);
- **pySHACL** (the reference) for N up to ``--pyshacl-max``: per document, in 2 worker processes.

The finding sets (shape, focus node, path, value) of Jena and pySHACL are compared with ours; a
difference is printed and recorded. Wall and CPU seconds are both recorded (the machine is shared;
CPU says what the work cost, wall what the user waited) with the load average around each case.

It also times three formulations of one gap check (every output has a slot for each region) on
each store: OPTIONAL + !BOUND (how the shapes write it: SHACL forbids MINUS), MINUS (what the fast
engine runs) and FILTER NOT EXISTS.

Installs what it needs when missing: Java and ``libapache-jena-java`` with apt-get (as root), and
works around Debian's packaging of Jena 4.5, which moved Xerces's classes into the ``xerces``
package but left their ``.properties`` message files behind (Jena then dies at start-up with an
"internal error" in Xerces): the files are copied out of ``jena-core.jar`` under the new package
path and put on the class path.

Writes the "Audit" section of ``docs/benchmarks.md`` (between ``<!-- bench_audit:begin -->`` and
``<!-- bench_audit:end -->``), the raw figures as JSON and a chart (matplotlib, ``bench`` extra).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import time
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

import docsection  # benchmarks/docsection.py: the script's own folder is on sys.path

ROOT = Path(__file__).resolve().parent.parent
SECTION_BEGIN = "<!-- bench_audit:begin -->"
SECTION_END = "<!-- bench_audit:end -->"
JAVA_DIR = Path("/usr/share/java")
#: Jena 4.5's runtime dependencies as Debian names their jars (slf4j-nop: one logging binding).
JENA_DEPS = [
    "commons-cli", "commons-codec", "commons-compress", "commons-csv", "commons-io",
    "commons-lang3", "dexx.collection", "gson", "guava", "httpclient", "httpcore",
    "jackson-core", "jackson-databind", "jakarta.json-api", "jsonld-java", "slf4j-api",
    "slf4j-nop", "protobuf", "protobuf-util", "libthrift", "thrift", "titanium-json-ld",
    "caffeine", "collection",
]


# =============================================================================================
# Measuring
# =============================================================================================

def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_timed(cmd: list[str], *, stdout=None, env=None, timeout: float | None = None) -> tuple[float, float, subprocess.CompletedProcess]:
    """(wall s, CPU s of the child, result)."""
    c0, t0 = _children_cpu(), time.perf_counter()
    res = subprocess.run(cmd, stdout=stdout if stdout is not None else subprocess.PIPE,
                         stderr=subprocess.PIPE, env=env, timeout=timeout)
    return time.perf_counter() - t0, _children_cpu() - c0, res


def loadavg() -> float:
    return round(os.getloadavg()[0], 1)


@dataclass
class Case:
    documents: int
    triples: int = 0
    findings: int = 0
    ours_wall: float = 0.0
    ours_cpu: float = 0.0
    ours_phases: dict = field(default_factory=dict)
    cli_wall: float = 0.0
    cli_cpu: float = 0.0
    cli_again_wall: float = 0.0
    cli_again_cpu: float = 0.0
    jena_wall: float | None = None
    jena_cpu: float | None = None
    jena_parse_wall: float | None = None
    jena_findings: int | None = None
    same_as_jena: bool | None = None
    jena_diff: list = field(default_factory=list)
    pyshacl_wall: float | None = None
    pyshacl_cpu: float | None = None
    same_as_pyshacl: bool | None = None
    pyshacl_diff: list = field(default_factory=list)
    gap: dict = field(default_factory=dict)
    load: list = field(default_factory=list)


# =============================================================================================
# Inner modes (run in a fresh process so that each measurement starts cold in Python)
# =============================================================================================

def inner_audit(store_dir: str, keys_out: str, engine: str) -> None:
    from itukg.graph.audit import run_audit
    from itukg.graph.audit.engine import run_fast, select_dataset
    from itukg.graph.audit.shapes import load_shapes
    from itukg.graph.store import open_store
    from itukg.settings import Settings

    settings = Settings(store=store_dir)
    t0, c0 = time.perf_counter(), time.process_time()
    store = open_store(settings, read_only=True)
    if engine == "fast":
        report = run_audit(store, settings, store_report=False)
        keys = sorted({json.dumps([f.shape, f.focus.iri, f.path or "", _key(f.value_term)])
                       for f in report.findings})
        n = len(report.findings)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        # the checks alone, for the record (a second pass, outside the timing: the store is warm)
        t1 = time.perf_counter()
        _, _, per_shape = run_fast(store, load_shapes(), select_dataset(store, settings))
        phases = {"checks only, warm": round(time.perf_counter() - t1, 2),
                  "slowest checks": {k.rsplit("#", 1)[-1]: round(v, 2) for k, v in
                                     sorted(per_shape.items(), key=lambda kv: -kv[1])[:5]}}
    else:
        from itukg.graph.audit import raw_results

        raws = raw_results(store, settings, engine=engine, workers=2)
        keys = sorted({json.dumps([r.shape, r.focus, r.path or "", _key(r.value)]) for r in raws})
        n = len(raws)
        phases = {}
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    Path(keys_out).write_text("\n".join(keys) + "\n")
    print(json.dumps({"wall": wall, "cpu": cpu, "findings": n, "phases": phases}))


def _key(term) -> str:
    from itukg.graph.audit.report import term_key

    return term_key(term)


# =============================================================================================
# Jena
# =============================================================================================

def ensure_jena(work: Path) -> list[str]:
    """The class path for Jena's command-line tools; installs Java and Jena when missing.
    Raises RuntimeError when they cannot be installed."""
    need = []
    if shutil.which("java") is None:
        need.append("default-jre-headless")
    if not (JAVA_DIR / "jena-shacl.jar").exists():
        need.append("libapache-jena-java")
    if need:
        if os.geteuid() != 0:
            raise RuntimeError(f"Jena needs: apt-get install {' '.join(need)} (run as root)")
        subprocess.run(["apt-get", "update", "-q"], check=False, capture_output=True)
        r = subprocess.run(["apt-get", "install", "-y", "-q", *need], capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"apt-get install {' '.join(need)} failed: {r.stderr[-500:]}")
    jars = sorted(p for p in JAVA_DIR.glob("jena-*.jar") if not re.search(r"-\d[\d.]*\.jar$", p.name))
    jars += [JAVA_DIR / f"{d}.jar" for d in JENA_DEPS if (JAVA_DIR / f"{d}.jar").exists()]
    fix = work / "jena-xerces-properties"
    if not (fix / "xerces" / "impl" / "msg" / "DatatypeMessages.properties").exists():
        prefix = "org/apache/jena/ext/xerces/"
        with zipfile.ZipFile(JAVA_DIR / "jena-core.jar") as z:
            for name in z.namelist():
                if name.startswith(prefix) and name.endswith(".properties"):
                    target = fix / "xerces" / name[len(prefix):]
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(z.read(name))
    return [*map(str, jars), str(fix)]


def drop_audit_graph(store_dir: Path) -> None:
    """Remove a stored audit graph (not timed), so the next ``itukg audit`` writes its report."""
    from itukg.graph.store import open_store
    from itukg.settings import Settings

    settings = Settings(store=store_dir)
    with open_store(settings) as store:
        if settings.audit_graph in store.graphs():
            store.drop_graph(settings.audit_graph)


def dump_for_jena(store_dir: Path, out: Path) -> int:
    """The documents' graphs and the reference graph as one N-Triples file (what pySHACL is
    given too). Returns the number of triples."""
    from itukg.graph.store import open_store
    from itukg.settings import Settings

    settings = Settings(store=store_dir)
    store = open_store(settings, read_only=True)
    keep = (settings.document_graph(""), settings.reference_graph)
    n = 0
    try:
        nq = store.dump("nquads")
    finally:
        store.close()
    tail = re.compile(rb" <([^>]*)> \.$")
    with out.open("wb") as f:
        for line in nq.split(b"\n"):
            m = tail.search(line)
            if m is None:
                continue
            g = m.group(1).decode()
            if g.startswith(keep[0]) or g == keep[1]:
                f.write(line[: m.start()] + b" .\n")
                n += 1
    return n


def jena_keys(report_ttl: Path) -> set[str]:
    """The (shape, focus, path, value) of Jena's results, normalised as ours."""
    from rdflib import RDF, Graph
    from rdflib.namespace import SH

    from itukg.graph.audit.report import term_key
    from itukg.graph.audit.shapes import load_shapes, render_path

    bundle = load_shapes()
    g = Graph().parse(report_ttl, format="turtle")
    keys = set()
    for r in g.subjects(RDF.type, SH.ValidationResult):
        shape = bundle.shapes[str(g.value(r, SH.sourceShape))]
        path_node = g.value(r, SH.resultPath)
        path = shape.path or (render_path(g, path_node) if path_node is not None else "")
        keys.add(json.dumps([shape.iri, str(g.value(r, SH.focusNode)), path,
                             term_key(g.value(r, SH.value))]))
    return keys


# =============================================================================================
# The gap-check formulations
# =============================================================================================

GAP = {
    "OPTIONAL + !BOUND": "OPTIONAL { ?this ikg:hasRegionalSlot ?slot . ?slot ikg:region ?region . } FILTER (!BOUND(?slot))",
    "MINUS": "MINUS { ?this ikg:hasRegionalSlot ?slot . ?slot ikg:region ?region . }",
    "FILTER NOT EXISTS": "FILTER NOT EXISTS { ?this ikg:hasRegionalSlot ?slot . ?slot ikg:region ?region . }",
}


def time_gaps(store_dir: Path, skip_slow_above: float) -> dict:
    from itukg.graph.store import open_store
    from itukg.settings import Settings

    settings = Settings(store=store_dir)
    store = open_store(settings, read_only=True)
    out: dict[str, float | None] = {}
    try:
        for name, pattern in GAP.items():
            q = ("PREFIX ikg: <https://w3id.org/itukg/ontology#>\n"
                 "SELECT (COUNT(*) AS ?n) WHERE { ?this a ikg:Output . ?region a ikg:Region . "
                 + pattern + " }")
            t0 = time.perf_counter()
            store.query(q)
            out[name] = round(time.perf_counter() - t0, 3)
    finally:
        store.close()
    return out


# =============================================================================================
# One case
# =============================================================================================

def measure(n: int, args: argparse.Namespace, classpath: list[str] | None) -> Case:
    from generate import generate as write_documents

    from itukg.graph.build import build
    from itukg.graph.store import store_exists
    from itukg.settings import Settings

    work: Path = args.work / f"n{n}"
    docs, store_dir = work / "docs", work / "store"
    case = Case(documents=n)
    case.load.append(loadavg())
    if not docs.exists() or len(list(docs.glob("*.txt"))) != n:
        shutil.rmtree(docs, ignore_errors=True)
        write_documents(n, docs, seed=args.seed)
    if not store_exists(Settings(store=store_dir)):
        shutil.rmtree(store_dir, ignore_errors=True)
        print(f"[{n}] building the store ...", flush=True)
        build([str(docs)], Settings(store=store_dir))

    py = sys.executable
    me = str(Path(__file__).resolve())
    env = dict(os.environ, PYTHONPATH=str(ROOT / "benchmarks"))

    # ours, in-process run_audit
    keys_ours = work / "keys-ours.txt"
    wall, cpu, res = run_timed([py, me, "--inner-audit", str(store_dir), str(keys_ours), "fast"], env=env)
    if res.returncode != 0:
        raise RuntimeError(res.stderr.decode()[-2000:])
    inner = json.loads(res.stdout.decode().strip().splitlines()[-1])
    case.ours_wall, case.ours_cpu = round(inner["wall"], 2), round(inner["cpu"], 2)
    case.findings = inner["findings"]
    case.ours_phases = inner["phases"]
    ours = set(keys_ours.read_text().split("\n")) - {""}
    print(f"[{n}] itukg fast engine: {case.ours_wall} s wall, {case.ours_cpu} s CPU, "
          f"{case.findings} findings", flush=True)

    # ours, the command (fresh process): first on a store without an audit graph (the report is
    # written), then again (the same report: the stored one is left as it is)
    drop_audit_graph(store_dir)
    itukg = str(Path(py).with_name("itukg"))
    out_json = work / "audit.json"
    for attempt in ("first", "again"):
        wall, cpu, res = run_timed([itukg, "--store", str(store_dir), "audit", "-f", "json",
                                    "-o", str(out_json)])
        if res.returncode not in (0, 1):
            raise RuntimeError(res.stderr.decode()[-2000:])
        note = res.stderr.decode().strip().rsplit(";", 1)[-1].strip()
        if attempt == "first":
            case.cli_wall, case.cli_cpu = round(wall, 2), round(cpu, 2)
        else:
            case.cli_again_wall, case.cli_again_cpu = round(wall, 2), round(cpu, 2)
        print(f"[{n}] itukg audit ({attempt}): {round(wall, 2)} s wall, {round(cpu, 2)} s CPU; {note}",
              flush=True)

    # Jena
    data = work / "data.nt"
    if classpath is not None:
        if not data.exists():
            case.triples = dump_for_jena(store_dir, data)
        else:
            case.triples = sum(1 for _ in data.open("rb"))
        shapes = work / "shapes.ttl"
        from itukg.graph.audit.shapes import load_shapes

        load_shapes().graph.serialize(shapes, format="turtle")
        java = ["java", f"-Xmx{args.jena_heap}", "-cp", ":".join(classpath)]
        wall, _cpu, res = run_timed([*java, "riotcmd.riot", "--count", str(data)])
        case.jena_parse_wall = round(wall, 2) if res.returncode == 0 else None
        report = work / "jena-report.ttl"
        with report.open("wb") as f:
            wall, cpu, res = run_timed([*java, "shacl.shacl", "validate", "--shapes", str(shapes),
                                        "--data", str(data)], stdout=f)
        if res.returncode != 0:
            raise RuntimeError("Jena failed: " + res.stderr.decode()[-2000:])
        case.jena_wall, case.jena_cpu = round(wall, 2), round(cpu, 2)
        theirs = jena_keys(report)
        case.jena_findings = len(theirs)
        case.same_as_jena = theirs == ours
        case.jena_diff = sorted(theirs ^ ours)[:20]
        print(f"[{n}] Jena: {case.jena_wall} s wall, {case.jena_cpu} s CPU (parse alone "
              f"{case.jena_parse_wall} s), {case.jena_findings} results, same: {case.same_as_jena}",
              flush=True)

    # pySHACL, the reference
    if n <= args.pyshacl_max:
        keys_ref = work / "keys-pyshacl.txt"
        wall, cpu, res = run_timed([py, me, "--inner-audit", str(store_dir), str(keys_ref),
                                    "pyshacl-parallel"], env=env)
        if res.returncode != 0:
            raise RuntimeError(res.stderr.decode()[-2000:])
        case.pyshacl_wall, case.pyshacl_cpu = round(wall, 2), round(cpu, 2)
        ref = set(keys_ref.read_text().split("\n")) - {""}
        case.same_as_pyshacl = ref == ours
        case.pyshacl_diff = sorted(ref ^ ours)[:20]
        print(f"[{n}] pySHACL (per document, 2 workers): {case.pyshacl_wall} s wall, "
              f"{case.pyshacl_cpu} s CPU, same: {case.same_as_pyshacl}", flush=True)

    case.gap = time_gaps(store_dir, args.gap_slow)
    print(f"[{n}] gap check: {case.gap}", flush=True)
    case.load.append(loadavg())
    return case


# =============================================================================================
# Reporting
# =============================================================================================

def _f(x: float | None, nd: int = 2) -> str:
    return "–" if x is None else f"{x:,.{nd}f}"


def _same(x: bool | None) -> str:
    return "–" if x is None else ("yes" if x else "**no**")


NOTES = """How to read this. Each figure is one run on a shared 2-core machine: other processes
competed for the CPUs (load average column), so wall seconds stretch with the neighbours and CPU
seconds are the better measure of the work (Jena's CPU includes its JVM's compiler and collector
threads). "fast engine" is `run_audit` in a fresh process, without writing the store (the
validation and the report model: findings with their lines, labels and messages); "itukg audit"
is the command as a user runs it (a fresh process; the JSON written to a file), first on a store
without an audit graph, so that it writes its report there (a private store generation switched
in when written), and "again" a second time, when the stored report is already the same and is
left as it is. Jena parses the N-Triples of the documents and the reference
data on every run (its parse time alone is the "Jena parse" column); the itukg audit reads the
store the build wrote. "same as Jena" and "same as pySHACL" compare the full sets of (shape,
focus node, path, value). pySHACL runs one document at a time in 2 worker processes, with
rdflib's SPARQL parse of each constraint cached (pySHACL re-parses it for every focus node
otherwise, which made it about 8 times slower); it is not run at 1,000 documents (hours)."""


def markdown(cases: list[Case], meta: dict) -> str:
    rows = [
        "| documents | triples | findings | fast engine wall s | CPU s | itukg audit wall s | CPU s "
        "| again wall s | Jena wall s | CPU s | Jena parse s | same as Jena | pySHACL wall s "
        "| same as pySHACL | load avg |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|---:|:---:|---|",
    ]
    for c in cases:
        rows.append(
            f"| {c.documents:,} | {c.triples:,} | {c.findings:,} | {_f(c.ours_wall)} | {_f(c.ours_cpu)} "
            f"| {_f(c.cli_wall)} | {_f(c.cli_cpu)} | {_f(c.cli_again_wall)} "
            f"| {_f(c.jena_wall)} | {_f(c.jena_cpu)} "
            f"| {_f(c.jena_parse_wall)} | {_same(c.same_as_jena)} | {_f(c.pyshacl_wall)} "
            f"| {_same(c.same_as_pyshacl)} | {'–'.join(str(x) for x in c.load)} |"
        )
    per = ["| documents | fast engine CPU ms/doc | itukg audit wall ms/doc | Jena CPU ms/doc | Jena wall ms/doc |",
           "|---:|---:|---:|---:|---:|"]
    for c in cases:
        per.append(
            f"| {c.documents:,} | {_f(1000 * c.ours_cpu / c.documents, 1)} | {_f(1000 * c.cli_wall / c.documents, 1)} "
            f"| {_f(None if c.jena_cpu is None else 1000 * c.jena_cpu / c.documents, 1)} "
            f"| {_f(None if c.jena_wall is None else 1000 * c.jena_wall / c.documents, 1)} |"
        )
    gaps = ["| documents | " + " | ".join(f"{k} s" for k in GAP) + " |",
            "|---:|" + "---:|" * len(GAP)]
    for c in cases:
        gaps.append(f"| {c.documents:,} | " + " | ".join(_f(c.gap.get(k), 3) for k in GAP) + " |")
    diffs = [c for c in cases if c.same_as_jena is False or c.same_as_pyshacl is False]
    out = [
        SECTION_BEGIN,
        "## Audit",
        "",
        f"`itukg audit` against Jena's SHACL engine (Debian `libapache-jena-java` {meta.get('jena', '')}), "
        f"measured by `python benchmarks/bench_audit.py` on {meta['date']} ({meta['cpus']} CPUs, "
        f"{meta['system']}, Python {meta['python']}, {meta['java']}). Generated documents come from "
        f"`benchmarks/generate.py` (seed {meta['seed']}); the same data and the same shapes "
        "(`shapes/*.ttl`) for every engine.",
        "",
        *rows,
        "",
        "Cost per document (flat = linear growth):",
        "",
        *per,
        "",
        "One gap check (every output has a slot for each ITU-D region) written three ways, on the store:",
        "",
        *gaps,
        "",
        "![Audit time against the number of documents](img/bench-audit.svg)",
        "",
        NOTES,
    ]
    if diffs:
        out += ["", "Differences found (first 20 per case):", ""]
        for c in diffs:
            out.append(f"- {c.documents} documents: Jena {c.jena_diff} pySHACL {c.pyshacl_diff}")
    out += ["", SECTION_END]
    return "\n".join(out) + "\n"


def write_section(path: Path, section: str) -> None:
    docsection.write_section(path, section, SECTION_BEGIN, SECTION_END)


def chart(cases: list[Case], path: Path) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is missing: no chart (pip install -e '.[bench]')", file=sys.stderr)
        return False
    xs = [c.documents for c in cases]
    fig, ax = plt.subplots(figsize=(7, 4.2))
    series = [
        ("itukg fast engine (CPU s)", [c.ours_cpu for c in cases], "o-"),
        ("itukg audit command (wall s)", [c.cli_wall for c in cases], "o--"),
        ("Jena SHACL (CPU s)", [c.jena_cpu for c in cases], "s-"),
        ("Jena SHACL (wall s)", [c.jena_wall for c in cases], "s--"),
        ("pySHACL per document (wall s)", [c.pyshacl_wall for c in cases], "^:"),
    ]
    for label, ys, style in series:
        pts = [(x, y) for x, y in zip(xs, ys) if y]
        if pts:
            ax.plot([p[0] for p in pts], [p[1] for p in pts], style, label=label)
    lo = min(y for _, ys, _ in series for y in ys if y)
    ax.plot(xs, [lo * x / xs[0] for x in xs], color="0.7", lw=1, label="linear growth")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("generated documents")
    ax.set_ylabel("seconds")
    ax.set_title("Audit time (same data, same shapes)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="svg")
    plt.close(fig)
    return True


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--counts", type=int, nargs="+", default=[1, 10, 100, 1000])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", type=Path, default=Path("/tmp/itukg-bench-audit"))
    ap.add_argument("--pyshacl-max", type=int, default=100)
    ap.add_argument("--no-jena", action="store_true")
    ap.add_argument("--jena-heap", default="12g")
    ap.add_argument("--gap-slow", type=float, default=600.0, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    ap.add_argument("--json", type=Path, default=ROOT / "docs" / "benchmarks-audit.json")
    ap.add_argument("--chart", type=Path, default=ROOT / "docs" / "img" / "bench-audit.svg")
    ap.add_argument("--inner-audit", nargs=3, metavar=("STORE", "KEYS", "ENGINE"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.inner_audit:
        inner_audit(*args.inner_audit)
        return 0
    sys.path.insert(0, str(ROOT / "benchmarks"))
    args.work.mkdir(parents=True, exist_ok=True)
    classpath = None if args.no_jena else ensure_jena(args.work)
    java = "no Java"
    if classpath is not None:
        r = subprocess.run(["java", "-version"], capture_output=True, text=True)
        java = (r.stderr.splitlines() or ["java"])[0].strip()
    cases = [measure(n, args, classpath) for n in args.counts]
    meta = {
        "date": time.strftime("%Y-%m-%d"), "cpus": os.cpu_count(),
        "system": f"{platform.system()} {platform.release()}", "python": platform.python_version(),
        "java": java, "seed": args.seed, "jena": "4.5.0",
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"meta": meta, "cases": [asdict(c) for c in cases]}, indent=2))
    chart(cases, args.chart)
    write_section(args.out, markdown(cases, meta))
    print(f"wrote {args.out}, {args.json}, {args.chart}")
    return 0 if all(c.same_as_jena is not False and c.same_as_pyshacl is not False for c in cases) else 1


if __name__ == "__main__":
    sys.exit(main())
