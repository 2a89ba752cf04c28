#!/usr/bin/env python3
"""Latency of the named queries and the traceability API, on the corpus and on generated documents.

    python benchmarks/bench_queries.py [--docs 1000] [--workdir var/bench-queries]
                                       [--large-store DIR] [--runs 30] [--no-http] [--json OUT]

For each store (the corpus; N generated documents, written by ``benchmarks/generate.py`` and
built with ``itukg build`` into ``--workdir`` unless ``--large-store`` names a built store):

* **engine**: each named query run in-process through the Store protocol, the result serialised
  by pyoxigraph as SPARQL JSON (``Store.query_serialized``): what the service's query workers
  do, without HTTP;
* **http**: the same named queries through ``GET /api/queries/{name}`` and the JSON API
  (``/api/outputs/{code}``, ``/api/sdg/{code}``, ``/api/resolutions/...``) of a real uvicorn
  on 127.0.0.1 (one client, sequential requests).

Parameters are taken from the store itself (its first document, that document's first output,
a target and a resolution of that output), so the same script runs on any store. Reports p50
and p99 wall-clock milliseconds, the number of result rows, and for the engine level the p50 CPU
time of the evaluating thread (pyoxigraph evaluates a query on the calling thread): on a busy
machine the wall clock includes waiting for a CPU, the CPU time does not. Prints the machine's
load average: wall-clock figures are only comparable between runs on an idle machine.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import docsection  # benchmarks/docsection.py: the script's own folder is on sys.path

ROOT = Path(__file__).resolve().parent.parent


def percentile(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    k = min(len(xs) - 1, max(0, round(p / 100 * (len(xs) - 1))))
    return xs[k]


def ensure_corpus_store(workdir: Path) -> Path:
    from itukg.graph.build import build, bundled_corpus
    from itukg.graph.store import store_exists
    from itukg.settings import Settings

    store = workdir / "corpus" / "store"
    if not store_exists(Settings(store=store)):
        build([bundled_corpus()], Settings(store=store))
    return store


def ensure_generated_store(workdir: Path, n: int) -> Path:
    from itukg.graph.build import build
    from itukg.graph.store import store_exists
    from itukg.settings import Settings

    base = workdir / f"generated-{n}"
    store = base / "store"
    if not store_exists(Settings(store=store)):
        docs = base / "docs"
        if not docs.is_dir() or len(list(docs.glob("*.txt"))) < n:
            subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), str(n), str(docs)],
                           check=True)
        print(f"building {n} generated documents into {store} (minutes) ...", file=sys.stderr)
        t = time.perf_counter()
        build(sorted(docs.glob("*.txt")), Settings(store=store))
        print(f"built in {time.perf_counter() - t:.0f} s", file=sys.stderr)
    return store


def ensure_audit(store_dir: Path) -> None:
    """The corpus store gets its audit graph (cheap); a large one only if it has one already."""
    from itukg.graph.audit import run_audit
    from itukg.graph.store import open_store
    from itukg.settings import Settings

    settings = Settings(store=store_dir)
    with open_store(settings, read_only=True) as store:
        has = bool(store.query("ASK { ?r <http://www.w3.org/ns/shacl#conforms> ?c }"))
    if not has:
        with open_store(settings) as store:
            run_audit(store, settings, store_report=True)


def pick_parameters(store, settings) -> dict[str, str]:
    """A document, one of its outputs, a target and a resolution of that output."""
    from itukg.graph.reads.named import named_queries

    qs = named_queries(settings.base_iri)
    docs = sorted(str(r[0]) for r in store.query(
        "SELECT ?d WHERE { ?d a <https://w3id.org/itukg/ontology#PlanningDocument> }").rows)
    doc = docs[0]
    slug = doc.rsplit("/", 1)[1]
    outs = store.query(qs["outputs"].body, bindings=qs["outputs"].bind({"document": slug}, base_iri=settings.base_iri))
    code = sorted(str(r["outputCode"]) for r in outs.dicts())[0]
    trace = store.query(qs["output-trace"].body,
                        bindings=qs["output-trace"].bind({"outputCode": code, "document": slug},
                                                         base_iri=settings.base_iri)).dicts()
    target = sorted(str(r["objectCode"]) for r in trace if str(r["predicate"]).endswith("servesTarget"))[0]
    resolution = sorted(str(r["objectCode"]) for r in trace if str(r["predicate"]).endswith("mandatedBy"))[0]
    return {"document": slug, "outputCode": code, "target": target, "goal": target.split(".")[0],
            "resolution": resolution, "output": f"{doc}/output/{code}", "documents": str(len(docs))}


def cases(p: dict[str, str]) -> list[tuple[str, dict[str, str]]]:
    d = p["document"]
    return [
        ("output-trace", {"outputCode": p["outputCode"], "document": d}),
        ("output-trace", {"outputCode": p["outputCode"]}),
        ("sdg-trace", {"sdg": p["target"], "document": d}),
        ("sdg-trace", {"sdg": p["target"]}),
        ("sdg-trace", {"sdg": p["goal"], "document": d}),
        ("resolution-trace", {"resolution": p["resolution"], "document": d}),
        ("resolution-trace", {"resolution": p["resolution"]}),
        ("link-provenance", {"subject": p["output"]}),
        ("outputs", {"document": d}),
        ("unfilled-slots", {"document": d}),
        ("audit-findings", {"document": d}),
        ("coverage-by-goal", {"document": d}),
        ("coverage-by-wsis", {"document": d}),
        ("unserved-targets", {"document": d}),
        ("unserved-targets", {}),
        ("coverage-by-goal", {}),
    ]


def bench_engine(store_dir: Path, runs: int, where: str = "memory") -> tuple[dict, list[dict]]:
    """``where``: ``memory`` (a memory copy of the store, what the service's workers read by
    default, decision 0075) or ``disk`` (RocksDB)."""
    from itukg.graph.reads.named import named_queries
    from itukg.graph.store import open_store
    from itukg.settings import Settings

    settings = Settings(store=store_dir)
    store = open_store(settings, read_only=True)
    if where == "memory":
        t0 = time.perf_counter()
        disk, store = store, store.copy_to_memory()
        disk.close()
        print(f"  memory copy made in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    level = f"engine ({where})"
    params = pick_parameters(store, settings)
    qs = named_queries(settings.base_iri)
    results = []
    for name, values in cases(params):
        q = qs[name]
        b = q.bind(values, base_iri=settings.base_iri)
        body = q.body_for(b)
        times, cpu = [], []
        n = runs if name not in ("coverage-by-goal", "unserved-targets") or values else max(3, runs // 10)
        for i in range(n + 2):
            t, c = time.perf_counter(), time.thread_time()
            _, out = store.query_serialized(body, result_format="json", bindings=b)
            if i >= 2:
                times.append(time.perf_counter() - t)
                cpu.append(time.thread_time() - c)
        rows = len(json.loads(out)["results"]["bindings"])
        results.append({"level": level, "what": name, "params": values, "rows": rows,
                        "p50_ms": percentile(times, 50) * 1000, "p99_ms": percentile(times, 99) * 1000,
                        "cpu_p50_ms": percentile(cpu, 50) * 1000, "runs": len(times)})
        print(f"  {level} {name:18} {json.dumps(values, ensure_ascii=False):70} rows {rows:5}  "
              f"p50 {results[-1]['p50_ms']:8.2f} ms  p99 {results[-1]['p99_ms']:8.2f} ms  "
              f"cpu p50 {results[-1]['cpu_p50_ms']:8.2f} ms", file=sys.stderr)
    store.close()
    return params, results


class Server:
    """``itukg serve`` on a free loopback port (the real command: uvicorn binds the socket itself,
    so accepted connections get TCP_NODELAY as in production). Stopped on exit."""

    def __init__(self, store_dir: Path):
        self.store_dir = store_dir
        self.proc: subprocess.Popen | None = None
        self.url = ""

    def __enter__(self) -> "Server":
        import socket

        import httpx

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "itukg.cli", "serve", "--store", str(self.store_dir), "--port", str(port),
             "--no-build", "--timeout", "120", "--log-level", "warning", "--no-access-log"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/health", timeout=2).json().get("status") == "ok":
                    from bench_service import wait_settled

                    wait_settled(self.url)  # the workers' memory copies (decision 0075)
                    return self
            except (httpx.HTTPError, ValueError):
                pass
            if self.proc.poll() is not None:
                raise RuntimeError("itukg serve exited")
            time.sleep(0.2)
        raise RuntimeError("itukg serve did not become ready")

    def __exit__(self, *exc) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def bench_http(store_dir: Path, params: dict[str, str], runs: int) -> list[dict]:
    import httpx

    from itukg.graph.reads.named import named_queries

    results = []
    requests: list[tuple[str, str, dict]] = [
        ("named " + name, f"/api/queries/{name}", values) for name, values in cases(params)
        if name != "coverage-by-goal" or values
    ]
    d = params["document"]
    body, _, number = params["resolution"].partition(" ")
    requests += [
        ("api outputs", "/api/outputs", {"document": d}),
        ("api output", f"/api/outputs/{params['outputCode']}", {"document": d}),
        ("api sdg target", f"/api/sdg/{params['target']}", {"document": d}),
        ("api sdg goal", f"/api/sdg/{params['goal']}", {"document": d}),
        ("api resolution", f"/api/resolutions/{body.lower()}/{number}", {"document": d}),
        ("ld output", "/id/" + params["output"].split("/id/", 1)[1], {"format": "ttl"}),
    ]
    from bench_service import load  # the same small keep-alive client as the throughput runs

    named_queries("https://w3id.org/itukg/")  # fail early on a broken query file
    with Server(store_dir) as server, httpx.Client(base_url=server.url, timeout=300) as http:
        for what, path, values in requests:
            r = http.get(path, params=values)  # checked once with a full client
            assert r.status_code == 200, (path, values, r.text[:300])
            n = runs if "unserved" not in what else max(3, runs // 10)
            # timed with a lean client (a request on a kept-alive socket, the answer read to its
            # end), so the figure is the server's latency, not a Python HTTP library's
            url = str(r.request.url)
            load(url, {"Accept": "*/*"}, 2, 1)
            m = load(url, {"Accept": "*/*"}, n, 1)
            assert m["errors"] == 0, (path, values)
            results.append({"level": "http", "what": what, "params": values, "bytes": len(r.content),
                            "p50_ms": m["p50_ms"], "p99_ms": m["p99_ms"], "runs": m["requests"]})
            print(f"  http   {what:22} {json.dumps(values, ensure_ascii=False):60} "
                  f"p50 {results[-1]['p50_ms']:8.2f} ms  p99 {results[-1]['p99_ms']:8.2f} ms", file=sys.stderr)
    return results


def markdown(label: str, params: dict, results: list[dict]) -> str:
    lines = [f"### {label} ({params['documents']} document(s); parameters: document "
             f"`{params['document']}`, output `{params['outputCode']}`, target `{params['target']}`, "
             f"resolution `{params['resolution']}`)", "",
             "| level | query / endpoint | parameters | rows | p50 ms | p99 ms | CPU p50 ms |",
             "|---|---|---|---|---|---|---|"]
    for r in results:
        ps = ", ".join(f"{k}={v}" for k, v in r["params"].items()) or "—"
        cpu = f"{r['cpu_p50_ms']:.1f}" if "cpu_p50_ms" in r else ""
        lines.append(f"| {r['level']} | {r['what']} | {ps} | {r.get('rows', '')} | {r['p50_ms']:.1f} | "
                     f"{r['p99_ms']:.1f} | {cpu} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=1000, help="generated documents (0: corpus only)")
    ap.add_argument("--workdir", type=Path, default=ROOT / "var" / "bench-queries")
    ap.add_argument("--large-store", type=Path, help="an already built store of generated documents")
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--no-http", action="store_true", help="engine level only")
    ap.add_argument("--json", type=Path, help="write all figures here")
    ap.add_argument("--write-docs", type=Path, action="append", default=[],
                    help="(re)write the 'Named queries' section of this markdown file (between "
                         "<!-- bench_queries:begin --> and <!-- bench_queries:end -->); repeatable")
    args = ap.parse_args(argv)

    load = os.getloadavg()
    print(f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} CPUs", file=sys.stderr)
    stores = [("Corpus", ensure_corpus_store(args.workdir))]
    if args.large_store:
        stores.append((f"Generated ({args.large_store})", args.large_store))
    elif args.docs:
        stores.append((f"{args.docs} generated documents", ensure_generated_store(args.workdir, args.docs)))
    out = {"load_average": load, "stores": []}
    text = []
    for label, store_dir in stores:
        if label == "Corpus":
            ensure_audit(store_dir)
        print(f"{label}: {store_dir}", file=sys.stderr)
        params, results = bench_engine(store_dir, args.runs, "memory")
        results += bench_engine(store_dir, args.runs, "disk")[1]
        if not args.no_http:
            results += bench_http(store_dir, params, args.runs)
        out["stores"].append({"label": label, "store": str(store_dir), "params": params, "results": results})
        text.append(markdown(label, params, results))
    end_load = os.getloadavg()
    print(f"load average at the end {end_load[0]:.1f}", file=sys.stderr)
    print("\n".join(text))
    if args.write_docs:
        import platform

        section = (
            "## Named queries and the traceability API\n\n"
            f"Measured by `python benchmarks/bench_queries.py --docs {args.docs} --runs {args.runs}` on "
            f"{time.strftime('%Y-%m-%d')} ({os.cpu_count()} CPUs, Python {platform.python_version()}; "
            f"load average {load[0]:.1f} at the start, {end_load[0]:.1f} at the end"
            + (": the machine was shared, so wall-clock figures are inflated; the engine's CPU time "
               "is not). " if load[0] >= 1.0 else ", the benchmark's own load: a quiet machine). ")
            + "*engine*: the "
            "named query in-process through the Store protocol, result serialised as SPARQL JSON by "
            "pyoxigraph, on a memory copy of the store (what the service's workers read, decision "
            "0075) and on RocksDB; *http*: a real uvicorn on 127.0.0.1, one keep-alive client sending sequential requests "
            "(executor IPC, HTTP and JSON included; the client is a few lines of asyncio, so the "
            "figure is the server's latency, not an HTTP library's). Targets: named traceability queries under 5 ms "
            "on the corpus and under 100 ms on 1,000 generated documents.\n\n"
            + "\n".join(text)
        )
        for path in args.write_docs:
            write_section(path, section)
    if args.json:
        args.json.write_text(json.dumps(out, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


def write_section(path: Path, section: str) -> None:
    begin, end = "<!-- bench_queries:begin -->", "<!-- bench_queries:end -->"
    docsection.write_section(path, f"{begin}\n{section}\n{end}\n", begin, end)


if __name__ == "__main__":
    sys.exit(main())
