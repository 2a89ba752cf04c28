#!/usr/bin/env python3
"""Throughput and latency of the itukg service next to the Oxigraph server, on the same data.

    .venv/bin/python benchmarks/bench_service.py [--docs 1000] [--requests 1500] [--rounds 3]
        [--concurrency 8] [--workers 2] [--out docs/benchmarks.md] [--json FILE]

For each dataset (the bundled corpus, and ``--docs`` documents from ``benchmarks/generate.py``)
it builds a store (``itukg build``), copies its database for the Oxigraph server, starts both
servers on 127.0.0.1 (``itukg serve`` and ``oxigraph serve-read-only --union-default-graph``),
and runs a fixed number of requests with ``--concurrency`` keep-alive clients against:

* ``/sparql`` with the trace query (``queries/output-trace.rq`` for one output of one document),
  on both servers;
* ``/sparql`` with a small lookup query (one output by code), on both;
* the named query ``/api/queries/output-trace`` (itukg only: Oxigraph has no named queries; its
  figure is compared with the same query text sent to Oxigraph's ``/query``).

Rounds alternate between the servers so background load hits both alike; the reported figure
per cell is the median round. Everything is bounded (a fixed number of requests per round) and
on loopback. Needs the ``oxigraph`` command (``pip install oxigraph``, the ``bench`` extra).

The output code used is read from the data (the first output), never assumed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import asdict, dataclass
from pathlib import Path

import docsection  # benchmarks/docsection.py: the script's own folder is on sys.path
from procstats import cpu_seconds, memory_mb, process_tree

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
SECTION_BEGIN = "<!-- bench_service:begin -->"
SECTION_END = "<!-- bench_service:end -->"

LOOKUP = """PREFIX ikg: <https://w3id.org/itukg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?output ?label WHERE { ?output a ikg:Output ; ikg:code ?code ; rdfs:label ?label . VALUES ?code { %s } }"""

FIRST_OUTPUT = """PREFIX ikg: <https://w3id.org/itukg/ontology#>
SELECT ?code ?doc ?o WHERE { ?o a ikg:Output ; ikg:code ?code ; ikg:inDocument ?doc }
ORDER BY ?doc ?code LIMIT 1"""

#: a one-resource lookup, what linked-data clients and pages send most
RESOURCE = "SELECT ?p ?o WHERE { <%s> ?p ?o } LIMIT 10"


# ------------------------------------------------------------------------------------------
# a small keep-alive HTTP/1.1 load generator (the same for both servers)
# ------------------------------------------------------------------------------------------


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, int]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
        return status, len(body)
    if headers.get("transfer-encoding", "").lower() == "chunked":
        total = 0
        while True:
            size_line = await reader.readuntil(b"\r\n")
            size = int(size_line.split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                return status, total
            await reader.readexactly(size + 2)
            total += size
    raise RuntimeError("response without length")


async def _client(host: str, port: int, request: bytes, n: int, latencies: list[float], errors: list[int],
                  source: str | None = None) -> None:
    # each client from a loopback address of its own: the service's per-client limits
    # (api/limits.py) see eight clients, as they would eight users, not one
    local = (source, 0) if source else None
    reader, writer = await asyncio.open_connection(host, port, local_addr=local)
    try:
        for _ in range(n):
            t0 = time.perf_counter()
            writer.write(request)
            status, _ = await _read_response(reader)
            latencies.append(time.perf_counter() - t0)
            if status != 200:
                errors.append(status)
    finally:
        writer.close()


def load(url: str, headers: dict[str, str], total: int, concurrency: int) -> dict:
    """Send ``total`` GET requests to ``url`` over ``concurrency`` keep-alive connections.
    Returns requests/s, p50, p99 (ms) and the error count."""
    u = urllib.parse.urlsplit(url)
    target = u.path + ("?" + u.query if u.query else "")
    lines = [f"GET {target} HTTP/1.1", f"Host: {u.hostname}:{u.port}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode()
    per = [total // concurrency + (1 if i < total % concurrency else 0) for i in range(concurrency)]
    latencies: list[float] = []
    errors: list[int] = []

    async def main() -> float:
        t0 = time.perf_counter()
        loopback = u.hostname == "127.0.0.1"
        await asyncio.gather(*(
            _client(u.hostname, u.port, request, k, latencies, errors,
                    f"127.0.1.{i + 1}" if loopback else None)
            for i, k in enumerate(per)
        ))
        return time.perf_counter() - t0

    elapsed = asyncio.run(main())
    lat = sorted(latencies)
    return {
        "rps": len(lat) / elapsed,
        "p50_ms": 1000 * lat[len(lat) // 2],
        "p99_ms": 1000 * lat[min(len(lat) - 1, int(len(lat) * 0.99))],
        "errors": len(errors),
        "requests": len(lat),
    }


# ------------------------------------------------------------------------------------------
# servers
# ------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, proc: subprocess.Popen, timeout: float = 120) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError(f"{url} did not come up")


class Server:
    def __init__(self, name: str, cmd: list[str], ready_url: str, env: dict | None = None):
        self.name = name
        t0 = time.monotonic()
        self.proc = subprocess.Popen(cmd, env={**os.environ, **(env or {})},
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     start_new_session=True)
        wait_http(ready_url, self.proc)
        self.first_answer_s = time.monotonic() - t0  # start to the first answered query

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)


def get_json(url: str, headers: dict[str, str]) -> dict:
    import urllib.request

    req = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read())


# ------------------------------------------------------------------------------------------
# datasets
# ------------------------------------------------------------------------------------------


def build_store(store: Path, docs: Path | None) -> dict:
    """Build (or, with a ``--work`` directory from an earlier run, reuse) a store."""
    info_file = store.parent / (store.name + ".json")
    if _store_exists(store) and info_file.exists():
        return {**json.loads(info_file.read_text()), "reused": True}
    cmd = [str(VENV_BIN / "itukg"), "--store", str(store), "build", "--json"]
    if docs is not None:
        cmd.append(str(docs))
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, check=True)
    report = json.loads(p.stdout)
    info = {"build_s": time.perf_counter() - t0, "triples": report.get("total_triples"),
            "documents": len(report.get("documents", []))}
    # audited as `make run` leaves it: `itukg serve` audits a store without a report before it
    # serves, which would count the audit into the first answer (exit 1: findings, as expected)
    audit = subprocess.run([str(VENV_BIN / "itukg"), "--store", str(store), "audit", "--format", "json"],
                           capture_output=True, text=True)
    if audit.returncode not in (0, 1):
        raise SystemExit(f"itukg audit failed: {audit.stderr[-1000:]}")
    info_file.write_text(json.dumps(info))
    return info


def _store_exists(store: Path) -> bool:
    from itukg.graph.store import store_exists
    from itukg.settings import Settings

    return store_exists(Settings(store=store))


def copy_database(store: Path, target: Path) -> None:
    """A copy of the store's current database for the standalone oxigraph server (the embedded
    engine's own backup: consistent, no lock file)."""
    from itukg.graph.store import open_store
    from itukg.settings import Settings

    with open_store(Settings(store=store), read_only=True) as s:
        s.backup(target)


@dataclass
class Row:
    dataset: str
    triples: int
    query: str
    server: str
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    cpu_ms: float = 0.0  # CPU time of the server's processes per request (median round)
    load: float = 0.0  # the machine's 1-minute load average after the median round


def wait_settled(base: str, timeout: float = 900) -> tuple[list[str], float]:
    """Wait until every query worker has finished copying the store into memory (or settled on
    the disk, ``ITUKG_QUERY_STORE``): workers report where they read with each answer, shown by
    ``/health``. Returns the engines and the seconds waited."""
    t0 = time.monotonic()
    ask = base + "/sparql?" + urllib.parse.urlencode({"query": "ASK {}"})
    engines: list[str] = []
    while time.monotonic() - t0 < timeout:
        for _ in range(4):  # reach every worker
            get_json(ask, {"Accept": "application/sparql-results+json"})
        engines = get_json(base + "/health", {})["queryStore"]
        if engines and "loading" not in engines:
            break
        time.sleep(0.5)
    return engines, time.monotonic() - t0


ENGINES: dict[str, tuple[list[str], float]] = {}
#: per dataset and server: first answer after start (s), RSS and PSS after the rounds (MB)
FOOTPRINT: dict[str, dict[str, dict[str, float]]] = {}


def bench_dataset(name: str, store: Path, work: Path, args: argparse.Namespace, triples: int) -> list[Row]:
    ox_db = work / f"oxigraph-{name.replace(' ', '-')}"
    shutil.rmtree(ox_db, ignore_errors=True)
    copy_database(store, ox_db)
    ip, p_itukg, p_ox = "127.0.0.1", free_port(), free_port()
    itukg = Server(
        "itukg",
        [str(VENV_BIN / "itukg"), "--store", str(store), "serve", "--host", ip, "--port", str(p_itukg),
         "--workers", str(args.workers), "--no-build", "--no-access-log", "--log-level", "warning"],
        f"http://{ip}:{p_itukg}/sparql?query=" + urllib.parse.quote("ASK {}"),
        env={"ITUKG_QUERY_STORE": args.query_store},
    )
    oxigraph_bin = shutil.which("oxigraph", path=str(VENV_BIN)) or shutil.which("oxigraph")
    if oxigraph_bin is None:
        itukg.stop()
        raise SystemExit("the oxigraph server is not installed: pip install oxigraph (the bench extra)")
    ox = Server(
        "oxigraph",
        [oxigraph_bin, "serve-read-only", "--location", str(ox_db), "--bind", f"{ip}:{p_ox}",
         "--union-default-graph"],
        f"http://{ip}:{p_ox}/query?query=" + urllib.parse.quote("ASK {}"),
    )
    try:
        ENGINES[name] = wait_settled(f"http://{ip}:{p_itukg}")
        print(f"  {name}: itukg workers read from {ENGINES[name][0]} "
              f"(settled after {ENGINES[name][1]:.0f} s)", file=sys.stderr)
        return measure(name, triples, itukg, f"http://{ip}:{p_itukg}", ox, f"http://{ip}:{p_ox}", args)
    finally:
        itukg.stop()
        ox.stop()


def measure(name: str, triples: int, itukg: Server, itukg_base: str, ox: Server, ox_base: str,
            args: argparse.Namespace, *, direct_url: str | None = None,
            direct: str = "oxigraph") -> list[Row]:
    """The cells (resource, trace and code lookup on both servers' SPARQL endpoints, the named
    trace on itukg), checked to agree, then timed in alternating rounds; the servers' memory
    after the rounds goes to FOOTPRINT. ``bench_remote.py`` runs the same cells, against the
    server ``direct`` asked at ``direct_url`` (default: the Oxigraph server's ``/query``)."""
    direct_url = direct_url or f"{ox_base}/query"
    sel = {"Accept": "application/sparql-results+json"}
    first = get_json(f"{itukg_base}/sparql?" + urllib.parse.urlencode({"query": FIRST_OUTPUT}), sel)
    code = first["results"]["bindings"][0]["code"]["value"]
    doc = first["results"]["bindings"][0]["doc"]["value"]
    resource_q = RESOURCE % first["results"]["bindings"][0]["o"]["value"]
    trace = (ROOT / "queries" / "output-trace.rq").read_text()
    # a fixed benchmark input: the first output of the first document (read from the data
    # above), as a VALUES block so that both servers get the very same text
    literal = json.dumps(code)
    trace_q = trace.replace(
        "WHERE {", "WHERE {\n  VALUES (?outputCode ?document) { (%s <%s>) }" % (literal, doc), 1
    )
    lookup_q = LOOKUP % literal
    named = f"{itukg_base}/api/queries/output-trace?" + urllib.parse.urlencode(
        {"outputCode": code, "document": doc}
    )
    cells = [
        ("resource /sparql", "itukg", f"{itukg_base}/sparql?" + urllib.parse.urlencode({"query": resource_q})),
        ("resource /sparql", direct, f"{direct_url}?" + urllib.parse.urlencode({"query": resource_q})),
        ("trace /sparql", "itukg", f"{itukg_base}/sparql?" + urllib.parse.urlencode({"query": trace_q})),
        ("trace /sparql", direct, f"{direct_url}?" + urllib.parse.urlencode({"query": trace_q})),
        ("code lookup /sparql", "itukg", f"{itukg_base}/sparql?" + urllib.parse.urlencode({"query": lookup_q})),
        ("code lookup /sparql", direct, f"{direct_url}?" + urllib.parse.urlencode({"query": lookup_q})),
        ("trace named query", "itukg", named),
    ]
    # check the answers agree before timing anything
    for i in (0, 2, 4):
        a = get_json(cells[i][2], sel)["results"]["bindings"]
        b = get_json(cells[i + 1][2], sel)["results"]["bindings"]
        if len(a) != len(b) or not a:
            raise SystemExit(f"{name}: itukg and Oxigraph disagree on {cells[i][0]} "
                             f"({len(a)} vs {len(b)} rows)")
    try:
        named_ok = bool(get_json(named, sel))
    except OSError:
        named_ok = False
    if not named_ok:
        cells = cells[:6]
    results: dict[tuple[str, str], list[dict]] = {}
    servers = {"itukg": itukg, direct: ox}
    for _round in range(args.rounds):
        for query, server, url in cells:
            load(url, sel, min(100, args.requests), args.concurrency)  # warm-up
            pids = process_tree(servers[server].proc.pid)
            cpu0 = sum(cpu_seconds(p) for p in pids)
            r = load(url, sel, args.requests, args.concurrency)
            r["cpu_ms"] = 1000 * (sum(cpu_seconds(p) for p in pids) - cpu0) / max(1, r["requests"])
            r["load"] = os.getloadavg()[0]
            results.setdefault((query, server), []).append(r)
            print(f"  {name:>8} {query:<18} {server:<9} {r['rps']:7.1f} req/s  "
                  f"p50 {r['p50_ms']:6.2f} ms  p99 {r['p99_ms']:6.2f} ms  "
                  f"CPU {r['cpu_ms']:5.2f} ms/req  errors {r['errors']}  load {r['load']:.1f}",
                  file=sys.stderr)
    FOOTPRINT[name] = {}
    for server, srv in servers.items():
        rss, pss = memory_mb(process_tree(srv.proc.pid))
        FOOTPRINT[name][server] = {"first_answer_s": round(srv.first_answer_s, 2),
                                   "rss_mb": round(rss), "pss_mb": round(pss)}
    rows = []
    for (query, server), rs in results.items():
        med = sorted(rs, key=lambda r: r["rps"])[len(rs) // 2]
        rows.append(Row(name, triples, query, server, med["rps"], med["p50_ms"], med["p99_ms"],
                        sum(r["errors"] for r in rs), statistics.median(r["cpu_ms"] for r in rs),
                        med["load"]))
    return rows


# ------------------------------------------------------------------------------------------
# report
# ------------------------------------------------------------------------------------------


def markdown(rows: list[Row], meta: dict) -> str:
    out = [
        SECTION_BEGIN,
        "## Service",
        "",
        f"Measured by `benchmarks/bench_service.py` ({meta['date']}; {meta['cpus']} CPUs, "
        f"load average {meta['loadavg']} at the start"
        + (": other work was running), " if float(meta["loadavg"]) >= 1.0 else ", a quiet machine), ")
        +
        f"{meta['concurrency']} concurrent keep-alive clients on 127.0.0.1, {meta['requests']} "
        f"requests per cell and round, median of {meta['rounds']} alternating rounds. itukg: "
        f"`itukg serve` (one uvicorn process, {meta['workers']} query worker processes, "
        f"`ITUKG_QUERY_STORE={meta.get('query_store', 'auto')}`: "
        + "; ".join(f"{k}: workers read from {'/'.join(sorted(set(v['engines'])))} "
                    f"(settled {v['settled_s']:.0f} s after start)"
                    for k, v in meta.get("engines", {}).items())
        + "); "
        "Oxigraph: `oxigraph serve-read-only --union-default-graph` "
        f"{meta['oxigraph']} on a copy of the same database.",
        "",
        "| data | query | server | req/s | p50 ms | p99 ms | p99/p50 | CPU ms/req | load | vs Oxigraph |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    ox = {(r.dataset, r.query.replace("named query", "/sparql")): r for r in rows if r.server == "oxigraph"}
    for r in rows:
        ref = ox.get((r.dataset, r.query.replace("named query", "/sparql")))
        ratio = f"{r.rps / ref.rps:.2f}×" if ref and r.server != "oxigraph" else ""
        out.append(
            f"| {r.dataset} ({r.triples:,} triples) | {r.query} | {r.server} | {r.rps:.0f} | "
            f"{r.p50_ms:.2f} | {r.p99_ms:.2f} | {r.p99_ms / r.p50_ms:.1f} | {r.cpu_ms:.2f} | "
            f"{r.load:.1f} | {ratio} |"
        )
    footprint = meta.get("footprint") or {}
    if footprint:
        out += ["", ("Memory and start (RSS and PSS summed over the server's processes after the "
                     "rounds; first answer: process start to the first answered `ASK {}`):"), "",
                "| data | server | first answer s | RSS MB | PSS MB | PSS vs Oxigraph |",
                "|---|---|---:|---:|---:|---:|"]
        for data, servers in footprint.items():
            ref = servers.get("oxigraph", {}).get("pss_mb") or 0
            for server, f in servers.items():
                vs = f"{f['pss_mb'] / ref:.1f}×" if ref and server != "oxigraph" else ""
                out.append(f"| {data} | {server} | {f['first_answer_s']:.2f} | {f['rss_mb']} | "
                           f"{f['pss_mb']} | {vs} |")
    out += ["", "![requests per second](img/bench-service.svg)", "", SECTION_END]
    return "\n".join(out) + "\n"


def svg_chart(rows: list[Row]) -> str:
    groups: list[tuple[str, list[Row]]] = []
    for r in rows:
        key = f"{r.dataset}: {r.query.split()[0]}"  # /sparql and the named query side by side
        for k, lst in groups:
            if k == key:
                lst.append(r)
                break
        else:
            groups.append((key, [r]))
    width, bar_h, gap = 760, 16, 14
    left = 260
    y = 30
    parts = []
    colors = {"itukg": "#2b6cb0", "oxigraph": "#c05621"}
    for key, lst in groups:
        vmax = max(r.rps for r in lst) * 1.05  # each group on its own scale
        parts.append(f'<text x="{left - 8}" y="{y + bar_h}" text-anchor="end" font-size="12">{key}</text>')
        for r in lst:
            w = (width - left - 200) * r.rps / vmax
            parts.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_h - 2}" fill="{colors[r.server]}"/>')
            what = r.server + (", named query" if "named" in r.query else ", /sparql")
            parts.append(f'<text x="{left + w + 4:.1f}" y="{y + bar_h - 4}" font-size="11">{r.rps:.0f} req/s ({what})</text>')
            y += bar_h
        y += gap
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{y + 10}" '
            'font-family="sans-serif"><text x="10" y="18" font-size="13" font-weight="bold">'
            'Requests per second, 8 concurrent clients (higher is better; each group on its own scale)</text>')
    return head + "".join(parts) + "</svg>\n"


def write_section(path: Path, section: str) -> None:
    docsection.write_section(path, section, SECTION_BEGIN, SECTION_END)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=1000, help="generated documents (0: corpus only)")
    ap.add_argument("--requests", type=int, default=1500, help="requests per cell and round")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--no-corpus", action="store_true", help="only the generated documents")
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--workers", type=int, default=2, help="itukg query worker processes")
    ap.add_argument("--query-store", choices=["auto", "memory", "disk"], default="auto",
                    help="ITUKG_QUERY_STORE of the itukg server (where its workers read)")
    ap.add_argument("--out", type=Path, default=None, help="write the Service section into this markdown file")
    ap.add_argument("--json", type=Path, default=None, help="write the raw figures as JSON")
    ap.add_argument("--work", type=Path, default=None, help="working directory (default: a temp dir, removed)")
    ap.add_argument("--report", type=Path, default=None,
                    help="only render the figures of an earlier --json file (with --out)")
    args = ap.parse_args()

    if args.report is not None:
        data = json.loads(args.report.read_text())
        rows = [Row(**r) for r in data["rows"]]
        print(markdown(rows, data["meta"]))
        if args.out:
            write_section(args.out, markdown(rows, data["meta"]))
            img = args.out.parent / "img" / "bench-service.svg"
            img.parent.mkdir(parents=True, exist_ok=True)
            img.write_text(svg_chart(rows))
        return 0

    # SIGTERM/SIGHUP unwind like Ctrl-C, so the servers started below are always stopped
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    work = args.work or Path(tempfile.mkdtemp(prefix="itukg-bench-"))
    rows: list[Row] = []
    try:
        datasets = [] if args.no_corpus else [("corpus", None)]
        if args.docs:
            gen_dir = work / f"docs-{args.docs}"
            if not gen_dir.exists():
                subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), str(args.docs), str(gen_dir)],
                               check=True, stdout=subprocess.DEVNULL)
            datasets.append((f"{args.docs} docs", gen_dir))
        loadavg = os.getloadavg()[0]
        for name, docs in datasets:
            store = work / f"store-{name.replace(' ', '-')}"
            info = build_store(store, docs)
            print(f"{name}: {info['triples']:,} triples, built in {info['build_s']:.1f} s", file=sys.stderr)
            rows += bench_dataset(name, store, work, args, info["triples"])
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    ox_version = subprocess.run([shutil.which("oxigraph", path=str(VENV_BIN)) or "oxigraph", "--version"],
                                capture_output=True, text=True).stdout.strip()
    meta = {
        "date": time.strftime("%Y-%m-%d"),
        "cpus": os.cpu_count(),
        "loadavg": f"{loadavg:.1f}",
        "concurrency": args.concurrency,
        "requests": args.requests,
        "rounds": args.rounds,
        "workers": args.workers,
        "oxigraph": ox_version,
        "query_store": args.query_store,
        "engines": {k: {"engines": v[0], "settled_s": round(v[1], 1)} for k, v in ENGINES.items()},
        "footprint": FOOTPRINT,
        "loadavg_end": f"{os.getloadavg()[0]:.1f}",
    }
    print(markdown(rows, meta))
    if args.out:
        write_section(args.out, markdown(rows, meta))
        img = args.out.parent / "img" / "bench-service.svg"
        img.parent.mkdir(parents=True, exist_ok=True)
        img.write_text(svg_chart(rows))
    if args.json:
        args.json.write_text(json.dumps({"meta": meta, "rows": [asdict(r) for r in rows]}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
