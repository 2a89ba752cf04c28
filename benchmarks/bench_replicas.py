#!/usr/bin/env python3
"""Requests/s of 1, 2 and 4 ``itukg serve`` replicas over one store behind nginx.

    .venv/bin/python benchmarks/bench_replicas.py [--docs N] [--replicas 1,2,4] [--workers 1]
        [--requests 2000] [--clients 8] [--rounds 3] [--out docs/deploy.md] [--json FILE]

The layout is docs/deploy.md's, run for real: one store (``itukg build``: the bundled corpus,
or ``--docs N`` generated documents), the largest number of replicas asked for started once
(``itukg serve --no-build --workers W``, ``ITUKG_TRUSTED_PROXIES=127.0.0.1``), and one nginx per
replica count (docs/deploy/nginx.conf, its upstream listing the first 1, 2 or 4 replicas), all
on loopback. Replicas outside a count's upstream stay idle. Clients: ``--clients`` keep-alive
connections, each from a loopback address of its own (127.0.0.2, ...), so the per-client limits
of ``/sparql`` treat them as the different clients they stand for (nginx names them in
X-Forwarded-For).

Cells: a one-resource lookup on ``/sparql`` (what linked-data clients send most) and the named
trace query ``/api/queries/output-trace``, plus one replica without the proxy (what nginx
costs). Rounds alternate between the counts so background load hits all alike; a cell's figure
is its median round. Every answer through every proxy is checked to be the same first.

The machine is shared: the load averages before and after are reported next to the figures,
which are noisy. Needs nginx (Debian: ``apt-get install nginx-light``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # when loaded by file (the tests)

import docsection  # noqa: E402 - benchmarks/docsection.py
from bench_service import (  # noqa: E402 - the same servers and HTTP reader as bench_service
    FIRST_OUTPUT, LOOKUP, ROOT, VENV_BIN, Server, _read_response, build_store, free_port,
    get_json, process_tree, wait_http, wait_settled,
)

TEMPLATE = ROOT / "docs" / "deploy" / "nginx.conf"
SECTION_BEGIN = "<!-- bench_replicas:begin -->"
SECTION_END = "<!-- bench_replicas:end -->"
SEL = {"Accept": "application/sparql-results+json"}


class Nginx:
    """nginx in the foreground of its own session with docs/deploy/nginx.conf, proxying
    ``listen`` to the replicas on ``ports``; :meth:`stop` ends it. Raises ``RuntimeError``
    when nginx is missing or does not come up."""

    def __init__(self, prefix: Path, listen: str, ports: list[int]):
        binary = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
        if binary is None:
            raise RuntimeError("nginx is not installed (Debian: apt-get install nginx-light)")
        prefix.mkdir(parents=True, exist_ok=True)
        servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=2s;" for p in ports)
        conf = (TEMPLATE.read_text().replace("@PREFIX@", str(prefix)).replace("@LISTEN@", listen)
                .replace("@SERVERS@", servers))
        (prefix / "nginx.conf").write_text(conf)
        self.url = f"http://{listen}"
        self.proc = subprocess.Popen(
            [binary, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"nginx exited: {self.proc.stderr.read().decode()[-1000:]}")
            try:
                wait_http(self.url + "/health", self.proc, timeout=1)
                return
            except RuntimeError:
                continue
        self.stop()
        raise RuntimeError("nginx did not come up")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGQUIT)  # graceful: finish open requests
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        if self.proc.stderr:
            self.proc.stderr.close()


def start_replica(store: Path, workers: int, **env: str) -> tuple[Server, int]:
    """``itukg serve`` on a free loopback port, ready; ``env``: more ITUKG_* settings.
    Returns the server and its port. Raises ``RuntimeError`` when it does not come up."""
    port = free_port()
    cmd = [str(VENV_BIN / "itukg"), "--store", str(store), "serve", "--no-build", "--host",
           "127.0.0.1", "--port", str(port), "--workers", str(workers), "--no-access-log",
           "--log-level", "warning"]
    return Server(f"replica:{port}", cmd, f"http://127.0.0.1:{port}/health",
                  env={"ITUKG_TRUSTED_PROXIES": '["127.0.0.1"]', **env}), port


async def _client(host: str, port: int, source: str, request: bytes, n: int,
                  latencies: list[float], errors: list[int]) -> None:
    reader, writer = await asyncio.open_connection(host, port, local_addr=(source, 0))
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


def load(url: str, total: int, clients: int) -> dict:
    """``total`` GETs of ``url`` over ``clients`` keep-alive connections, client k from
    127.0.0.(k+2). Returns requests/s, p50 and p99 (ms), errors."""
    u = urllib.parse.urlsplit(url)
    target = u.path + ("?" + u.query if u.query else "")
    head = [f"GET {target} HTTP/1.1", f"Host: {u.hostname}:{u.port}", f"Accept: {SEL['Accept']}"]
    request = ("\r\n".join(head) + "\r\n\r\n").encode()
    per = [total // clients + (1 if i < total % clients else 0) for i in range(clients)]
    latencies: list[float] = []
    errors: list[int] = []

    async def main() -> float:
        t0 = time.perf_counter()
        await asyncio.gather(*(_client(u.hostname, u.port, f"127.0.0.{k + 2}", request, n, latencies, errors)
                               for k, n in enumerate(per)))
        return time.perf_counter() - t0

    elapsed = asyncio.run(main())
    lat = sorted(latencies)
    return {"rps": len(lat) / elapsed, "p50_ms": 1000 * lat[len(lat) // 2],
            "p99_ms": 1000 * lat[min(len(lat) - 1, int(len(lat) * 0.99))],
            "errors": len(errors), "requests": len(lat)}


def queries(base: str) -> dict[str, str]:
    """The cells' paths, their input read from the data (the first output), never assumed."""
    first = get_json(base + "/sparql?" + urllib.parse.urlencode({"query": FIRST_OUTPUT}), SEL)
    row = first["results"]["bindings"][0]
    code, doc = row["code"]["value"], row["doc"]["value"]
    return {
        "lookup /sparql": "/sparql?" + urllib.parse.urlencode({"query": LOOKUP % json.dumps(code)}),
        "trace named query": "/api/queries/output-trace?" + urllib.parse.urlencode(
            {"outputCode": code, "document": doc}),
    }


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (Linux /proc), in MB; 0 elsewhere."""
    total = 0
    for p in process_tree(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except (OSError, ValueError, IndexError):
            continue
    return total / 1024


def loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def run(args: argparse.Namespace, work: Path) -> dict:
    store = work / "store"
    info = build_store(store, _docs(args, work))
    counts = sorted(int(n) for n in args.replicas.split(","))
    started = [start_replica(store, args.workers) for _ in range(max(counts))]
    proxies: dict[str, Nginx] = {}
    try:
        ports = [p for _, p in started]
        for _, p in started:
            wait_settled(f"http://127.0.0.1:{p}")
        memory = [round(rss_mb(server.proc.pid)) for server, _ in started]
        for n in counts:
            proxies[f"{n} behind nginx"] = Nginx(work / f"nginx-{n}", f"127.0.0.1:{free_port()}", ports[:n])
        targets = {name: px.url for name, px in proxies.items()}
        targets["1 direct"] = f"http://127.0.0.1:{ports[0]}"
        cells = queries(targets["1 direct"])
        for path in cells.values():  # the same answer from every replica and every proxy
            answers = {get_json(f"http://127.0.0.1:{p}{path}", SEL).__repr__() for p in ports}
            answers |= {get_json(t + path, SEL).__repr__() for t in targets.values()}
            if len(answers) != 1:
                raise SystemExit(f"replicas disagree on {path}")
        results: dict[tuple[str, str], list[dict]] = {}
        before = loadavg()
        for _round in range(args.rounds):
            for name, base in targets.items():
                for query, path in cells.items():
                    load(base + path, min(200, args.requests), args.clients)  # warm-up
                    r = load(base + path, args.requests, args.clients)
                    results.setdefault((name, query), []).append(r)
                    print(f"  {name:<16} {query:<18} {r['rps']:7.1f} req/s  p50 {r['p50_ms']:6.2f} ms  "
                          f"p99 {r['p99_ms']:6.2f} ms  errors {r['errors']}  load {loadavg()}",
                          file=sys.stderr)
        rows = []
        for (name, query), rs in results.items():
            med = sorted(rs, key=lambda r: r["rps"])[len(rs) // 2]
            rows.append({"setup": name, "query": query, **med, "errors": sum(r["errors"] for r in rs),
                         "rounds_rps": [round(r["rps"], 1) for r in rs]})
        return {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "cpus": os.cpu_count(),
                "loadavg_before": before, "loadavg_after": loadavg(), "workers": args.workers,
                "requests": args.requests, "clients": args.clients, "rounds": args.rounds,
                "documents": info.get("documents"), "triples": info.get("triples"),
                "replica_rss_mb": memory, "nginx": _nginx_version(), "python": platform.python_version(), "rows": rows}
    finally:
        for px in proxies.values():
            px.stop()
        for server, _ in started:
            server.stop()


def _docs(args: argparse.Namespace, work: Path) -> Path | None:
    if not args.docs:
        return None
    out = work / f"docs-{args.docs}"
    if not out.exists():
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), str(args.docs),
                        str(out)], check=True)
    return out


def _nginx_version() -> str:
    p = subprocess.run(["nginx", "-v"], capture_output=True, text=True)
    return (p.stderr or p.stdout).strip().replace("nginx version: ", "")


def markdown(meta: dict) -> str:
    out = [SECTION_BEGIN, "",
           f"Measured by `benchmarks/bench_replicas.py` ({meta['date']}; {meta['cpus']} CPUs shared "
           f"with other work: load average {meta['loadavg_before']} before, {meta['loadavg_after']} "
           f"after, so the figures are noisy and the lead may re-run them). Data: "
           f"{meta['documents']} document(s), {meta['triples']} triples. Each replica "
           f"`itukg serve --workers {meta['workers']}`; nginx {meta['nginx']} with "
           f"`docs/deploy/nginx.conf`; {meta['clients']} keep-alive clients, each from its own "
           f"loopback address; {meta['requests']} requests per cell and round, median of "
           f"{meta['rounds']} alternating rounds. Memory of each replica (uvicorn and its "
           f"workers, resident, after the workers copied the store): "
           f"{', '.join(str(m) for m in meta['replica_rss_mb'])} MB.", "",
           "| replicas | query | req/s | p50 ms | p99 ms | errors | req/s per round |",
           "|---|---|---:|---:|---:|---:|---|"]
    for r in meta["rows"]:
        out.append(f"| {r['setup']} | {r['query']} | {r['rps']:.0f} | {r['p50_ms']:.2f} | "
                   f"{r['p99_ms']:.2f} | {r['errors']} | {', '.join(map(str, r['rounds_rps']))} |")
    out += ["", SECTION_END]
    return "\n".join(out) + "\n"


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--docs", type=int, default=0, help="generated documents (default: the corpus)")
    p.add_argument("--replicas", default="1,2,4")
    p.add_argument("--workers", type=int, default=1, help="query workers per replica")
    p.add_argument("--requests", type=int, default=2000)
    p.add_argument("--clients", type=int, default=8)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--work", type=Path, default=None, help="keep the store here (reused)")
    p.add_argument("--out", type=Path, default=None, help="write the table into this Markdown file")
    p.add_argument("--json", type=Path, default=None)
    args = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="itukg-replicas-") as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        meta = run(args, work)
    if args.json:
        args.json.write_text(json.dumps(meta, indent=2) + "\n")
    if args.out:
        docsection.write_section(args.out, markdown(meta), SECTION_BEGIN, SECTION_END)
    print(markdown(meta))
    return 0


if __name__ == "__main__":
    sys.exit(main())
