#!/usr/bin/env python3
"""What itukg adds in front of a SPARQL server: the service over an Oxigraph server (or
Virtuoso), next to that same server asked directly.

    .venv/bin/python benchmarks/bench_remote.py [--server oxigraph|virtuoso] [--docs 300]
        [--requests 500] [--rounds 3] [--concurrency 8] [--workers 2] [--out docs/benchmarks.md]
        [--json FILE]
    .venv/bin/python benchmarks/bench_remote.py --report A.json B.json ... --out docs/benchmarks.md

For each dataset (the bundled corpus, and ``--docs`` documents from ``benchmarks/generate.py``)
it starts ``oxigraph serve --union-default-graph`` (or Virtuoso 7, configured as the tests
configure it: ``tests/sparql_servers.py``) on an empty database, builds into it through
the remote backend (``itukg --store http://... build``, timed) and audits it, starts ``itukg serve`` on the
same URL, and runs the cells of ``bench_service.py`` (resource, trace and code lookup on both
SPARQL endpoints, the named trace on itukg) in alternating rounds. The ratio is itukg over the
server to the server alone: the overhead of the service's walls (screener, deadlines, caps,
per-client limits), its HTTP front and one more hop. CPU per request counts the itukg processes
only (the server's share is in the server's own row).

Needs the ``oxigraph`` command (``pip install oxigraph``: the test and bench extras), or
``virtuoso-t`` (``tools/setup-system.sh``). ``--report`` renders the figures of earlier
``--json`` files together (their datasets side by side).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import asdict
from pathlib import Path

import docsection  # benchmarks/: the script's own folder is on sys.path
from bench_service import (FOOTPRINT, ROOT, VENV_BIN, Row, Server, free_port, measure,
                           wait_settled)

SECTION_BEGIN = "<!-- bench_remote:begin -->"
SECTION_END = "<!-- bench_remote:end -->"


def server_version(server: str) -> str:
    if server == "virtuoso":
        out = subprocess.run(["virtuoso-t", "-?"], capture_output=True, text=True)
        line = next((ln for ln in (out.stdout + out.stderr).splitlines() if ln.startswith("Version")), "")
        return "Virtuoso " + line.split()[1] if line else "Virtuoso 7"
    return subprocess.run([oxigraph_binary(), "--version"], capture_output=True, text=True).stdout.strip()


def merged(runs: list[dict]) -> tuple[list[Row], dict]:
    """The rows and meta of several runs as one (their datasets side by side; the date, load
    and settings of the first, the load at the end of the last)."""
    meta = dict(runs[0]["meta"])
    meta["servers"], meta["datasets"], meta["footprint"] = {}, {}, {}
    for run in runs:
        m = run["meta"]
        meta["servers"].update(m.get("servers") or {"oxigraph": m.get("oxigraph", "")})
        meta["datasets"].update(m["datasets"])
        meta["footprint"].update(m["footprint"])
    if len({run["meta"]["requests"] for run in runs}) > 1:  # say which runs had how many
        meta["requests"] = "; ".join(f"{run['meta']['requests']} ({', '.join(run['meta']['datasets'])})"
                                     for run in runs)
    meta["loadavg_end"] = runs[-1]["meta"]["loadavg_end"]
    meta["dates"] = sorted({r["meta"]["date"] for r in runs})
    return [Row(**r) for run in runs for r in run["rows"]], meta


def oxigraph_binary() -> str:
    found = shutil.which("oxigraph", path=str(VENV_BIN)) or shutil.which("oxigraph")
    if found is None:
        raise SystemExit("the oxigraph server is not installed: pip install oxigraph")
    return found


def start_server(name: str, work: Path, args: argparse.Namespace):
    """The server to benchmark on an empty database: ``(server, store URL, its query URL,
    ITUKG_* variables for itukg)``. The server object has ``proc``, ``first_answer_s`` and
    ``stop()``."""
    if args.server == "virtuoso":
        sys.path.insert(0, str(ROOT / "tests"))
        from sparql_servers import VirtuosoServer

        root = work / f"virtuoso-{name.replace(' ', '-')}"
        shutil.rmtree(root, ignore_errors=True)
        root.mkdir(parents=True)
        if VirtuosoServer.binary() is None:
            raise SystemExit("Virtuoso is not installed: tools/setup-system.sh")
        t0 = time.monotonic()
        # the tests' setup with room for a 300-document switch (one transaction: Virtuoso's
        # default 50 MB refuses it, SR325) and a cache that holds the data (1.6 GB)
        srv = VirtuosoServer(root, buffers=200_000, txn_limit=2_000_000_000, max_seconds=3600).start()
        srv.first_answer_s = time.monotonic() - t0
        return srv, srv.url, srv.query_url, srv.env()
    db = work / f"server-{name.replace(' ', '-')}"
    shutil.rmtree(db, ignore_errors=True)
    ip, port = "127.0.0.1", free_port()
    base = f"http://{ip}:{port}"
    srv = Server("oxigraph",
                 [oxigraph_binary(), "serve", "--location", str(db), "--bind", f"{ip}:{port}",
                  "--union-default-graph"],
                 f"{base}/query?query=" + urllib.parse.quote("ASK {}"))
    return srv, base, f"{base}/query", {"ITUKG_STORE": base}


def bench_dataset(name: str, docs: Path | None, work: Path, args: argparse.Namespace) -> tuple[list[Row], dict]:
    ox, ox_base, direct_url, env = start_server(name, work, args)
    env = {**os.environ, **env}
    ip, p_itukg = "127.0.0.1", free_port()
    itukg = None
    try:
        cmd = [str(VENV_BIN / "itukg"), "--store", ox_base, "build", "--json"]
        if docs is not None:
            cmd.append(str(docs))
        t0 = time.perf_counter()
        built = subprocess.run(cmd, capture_output=True, text=True, env=env)
        build_s = time.perf_counter() - t0
        if built.returncode != 0:
            raise SystemExit(f"{name}: itukg build into the server failed:\n{built.stderr[-2000:]}")
        triples = json.loads(built.stdout).get("total_triples") or 0
        # the audit over the server, timed on its own (capped: at 300 documents it takes minutes,
        # docs/benchmarks.md says why); the service then starts with --no-audit so that its
        # first answer is not an audit
        audit_s: float | None = None
        if args.audit_timeout > 0:
            t0 = time.perf_counter()
            try:
                audit = subprocess.run([str(VENV_BIN / "itukg"), "--store", ox_base, "audit", "--format", "json"],
                                       capture_output=True, text=True, timeout=args.audit_timeout, env=env)
                if audit.returncode not in (0, 1):
                    raise SystemExit(f"{name}: itukg audit on the server failed:\n{audit.stderr[-2000:]}")
                audit_s = time.perf_counter() - t0
            except subprocess.TimeoutExpired:
                print(f"{name}: audit stopped after {args.audit_timeout:.0f} s", file=sys.stderr)
            print(f"{name}: audit over the server: {audit_s and round(audit_s, 1)} s", file=sys.stderr)
        print(f"{name}: {triples:,} triples built into the {args.server} server in {build_s:.1f} s",
              file=sys.stderr)
        itukg_base = f"http://{ip}:{p_itukg}"
        itukg = Server(
            "itukg",
            [str(VENV_BIN / "itukg"), "--store", ox_base, "serve", "--host", ip, "--port", str(p_itukg),
             "--workers", str(args.workers), "--no-build", "--no-audit", "--no-access-log",
             "--log-level", "warning"],
            f"{itukg_base}/sparql?query=" + urllib.parse.quote("ASK {}"), env=env,
        )
        engines, settled = wait_settled(itukg_base)
        rows = measure(name, triples, itukg, itukg_base, ox, ox_base, args,
                       direct_url=direct_url, direct=args.server)
        return rows, {"build_s": round(build_s, 1), "triples": triples, "engines": engines,
                      "server": args.server,
                      "audit_s": audit_s and round(audit_s, 1), "audit_timeout": args.audit_timeout,
                      "settled_s": round(settled, 1)}
    finally:
        if itukg is not None:
            itukg.stop()
        ox.stop()


def servers_used(meta: dict) -> str:
    """The servers of a run (or of several merged), as the header names them."""
    named = {"oxigraph": "`oxigraph serve --union-default-graph`", "virtuoso": "Virtuoso"}
    versions = meta.get("servers") or {"oxigraph": meta.get("oxigraph", "")}
    return ", ".join(f"{named[k]} ({v})" for k, v in versions.items())


def markdown(rows: list[Row], meta: dict) -> str:
    out = [
        SECTION_BEGIN,
        "## Service over a remote store",
        "",
        f"Measured by `benchmarks/bench_remote.py` ({meta['date']}; {meta['cpus']} CPUs, load "
        f"average {meta['loadavg']} at the start, {meta['loadavg_end']} at the end), "
        f"{meta['concurrency']} concurrent keep-alive clients on 127.0.0.1, {meta['requests']} "
        f"requests per cell and round, median of {meta['rounds']} alternating rounds. Servers: "
        f"{servers_used(meta)}, built into by "
        "`itukg --store http://… build`; itukg: `itukg serve --store http://…` "
        f"({meta['workers']} query workers, each asking the server over HTTP). The ratio is "
        "itukg over the server to the server alone: what the service adds. CPU ms/req: the "
        "itukg processes only.",
        "",
        "| data | query | itukg over the server req/s | server alone req/s | ratio | "
        "itukg p50 / p99 ms | server p50 / p99 ms | itukg CPU ms/req |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    ox = {(r.dataset, r.query.replace("named query", "/sparql")): r for r in rows if r.server != "itukg"}
    for r in rows:
        if r.server != "itukg":
            continue
        ref = ox.get((r.dataset, r.query.replace("named query", "/sparql")))
        out.append(
            f"| {r.dataset} ({r.triples:,} triples) | {r.query} | {r.rps:.0f} | {ref.rps:.0f} | "
            f"{r.rps / ref.rps:.2f}× | {r.p50_ms:.2f} / {r.p99_ms:.2f} | "
            f"{ref.p50_ms:.2f} / {ref.p99_ms:.2f} | {r.cpu_ms:.2f} |"
        )
    out += ["", "Where the time goes: from 16 published graphs on, itukg asks the server with its "
            "union default graph, as the server alone is asked, plus one ASK per answer that no "
            "writer came meanwhile (decision 0186; before it, itukg sent the ~300 published graphs "
            "as the dataset, which the server evaluates graph by graph: 2 traces/s at 300 "
            "documents); below, with the list. The rest is the service's HTTP front, its walls, "
            "the relay and one more hop (the CPU column)."
            + (" Over Virtuoso itukg always sends the list (its bookkeeping is a graph of facts, "
               "docs/store.md)." if "virtuoso" in meta.get("servers", {}) else "")]
    out += ["", "Build into the server, memory (RSS / PSS summed over each side's processes after "
            "the rounds) and first answer after start:", "",
            "| data | build s | audit s | itukg RSS / PSS MB | server RSS / PSS MB | itukg first answer s |",
            "|---|---:|---:|---:|---:|---:|"]
    for data, d in meta["datasets"].items():
        f = meta["footprint"][data]
        direct = d.get("server", "oxigraph")
        audit = (f"{d['audit_s']:.1f}" if d.get("audit_s") is not None
                 else f"> {d['audit_timeout']:.0f} (stopped)")
        out.append(f"| {data} ({d['triples']:,} triples) | {d['build_s']:.1f} | {audit} | "
                   f"{f['itukg']['rss_mb']} / {f['itukg']['pss_mb']} | "
                   f"{f[direct]['rss_mb']} / {f[direct]['pss_mb']} | "
                   f"{f['itukg']['first_answer_s']:.2f} |")
    out += ["", SECTION_END]
    return "\n".join(out) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=300, help="generated documents (0: corpus only)")
    ap.add_argument("--requests", type=int, default=500, help="requests per cell and round")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--no-corpus", action="store_true", help="only the generated documents")
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--workers", type=int, default=2, help="itukg query worker processes")
    ap.add_argument("--audit-timeout", type=float, default=600,
                    help="stop timing the audit over the server after this many seconds (0: skip it)")
    ap.add_argument("--out", type=Path, default=None, help="write the section into this markdown file")
    ap.add_argument("--json", type=Path, default=None, help="write the raw figures as JSON")
    ap.add_argument("--work", type=Path, default=None, help="working directory (default: a temp dir, removed)")
    ap.add_argument("--server", choices=["oxigraph", "virtuoso"], default="oxigraph",
                    help="the SPARQL server to build into and compare with")
    ap.add_argument("--report", type=Path, nargs="+", default=None,
                    help="only render earlier --json files, merged (with --out)")
    args = ap.parse_args()

    if args.report:
        loaded = [json.loads(f.read_text()) for f in args.report]
        # a file of one run, or of several ({"runs": [...]}: docs/benchmarks-remote.json)
        rows, meta = merged([r for d in loaded for r in d.get("runs", [d])])
        section = markdown(rows, meta)
        print(section)
        if args.out:
            docsection.write_section(args.out, section, SECTION_BEGIN, SECTION_END)
        return 0

    # SIGTERM/SIGHUP unwind like Ctrl-C, so the servers started here are always stopped
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    work = args.work or Path(tempfile.mkdtemp(prefix="itukg-bench-remote-"))
    work.mkdir(parents=True, exist_ok=True)
    rows: list[Row] = []
    datasets: dict[str, dict] = {}
    loadavg = os.getloadavg()[0]
    try:
        todo: list[tuple[str, Path | None]] = [] if args.no_corpus else [("corpus", None)]
        if args.docs:
            gen_dir = work / f"docs-{args.docs}"
            if not gen_dir.exists():
                subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), str(args.docs),
                                str(gen_dir)], check=True, stdout=subprocess.DEVNULL)
            todo.append((f"{args.docs} docs", gen_dir))
        if args.server != "oxigraph":
            todo = [(f"{name} on Virtuoso", docs) for name, docs in todo]
        for name, docs in todo:
            r, datasets[name] = bench_dataset(name, docs, work, args)
            rows += r
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    meta = {
        "date": time.strftime("%Y-%m-%d"), "cpus": os.cpu_count(), "loadavg": f"{loadavg:.1f}",
        "loadavg_end": f"{os.getloadavg()[0]:.1f}", "concurrency": args.concurrency,
        "requests": args.requests, "rounds": args.rounds, "workers": args.workers,
        "servers": {args.server: server_version(args.server)},
        "datasets": datasets, "footprint": FOOTPRINT,
    }
    section = markdown(rows, meta)
    print(section)
    if args.out:
        docsection.write_section(args.out, section, SECTION_BEGIN, SECTION_END)
    if args.json:
        args.json.write_text(json.dumps({"meta": meta, "rows": [asdict(r) for r in rows]}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
