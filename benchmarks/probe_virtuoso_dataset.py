"""How Virtuoso answers with each way of naming itukg's published graphs (decision 0173).

Builds the corpus or N generated documents into a fresh Virtuoso (the tests' setup with room
for a large switch), then asks four queries one at a time, each in three forms, and prints the
time of a first and a second request and what came back:

- ``list``: the published graphs as ``default-graph-uri`` (what itukg's readers send);
- ``exclude``: no dataset, ``DEFINE input:default-graph-exclude`` for the bookkeeping graph and
  the graphs the server held before the build (its system graphs);
- ``bare``: no dataset at all: Virtuoso's union of every graph, bookkeeping and system graphs
  included (what "Virtuoso alone" answers in ``bench_remote.py``).

    python benchmarks/probe_virtuoso_dataset.py --docs 300
    python benchmarks/probe_virtuoso_dataset.py --docs 1000 --forms list,bare

The ``exclude`` form gave wrong answers at 300 documents and no answer in minutes on the
corpus (a query with ``FILTER EXISTS``): each request has ``--timeout`` seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx
from bench_service import FIRST_OUTPUT, ROOT, VENV_BIN  # benchmarks/ is on sys.path

sys.path.insert(0, str(ROOT / "tests"))

META = "urn:x-itukg:store"
PUBLISHED = ("SELECT ?g WHERE { GRAPH <urn:x-itukg:store> "
             "{ <urn:x-itukg:store> <urn:x-itukg:graph> ?g } }")


class Virtuoso:
    """One SPARQL endpoint, asked over POST with a dataset given or not."""

    def __init__(self, url: str, timeout: float):
        self.url, self.http = url, httpx.Client(timeout=timeout)

    def select(self, text: str, default_graph: list[str] | None = None) -> tuple[list[dict], float]:
        body = [("query", text)] + [("default-graph-uri", g) for g in default_graph or []]
        t0 = time.perf_counter()
        r = self.http.post(self.url, content=urlencode(body),
                           headers={"Accept": "application/sparql-results+json",
                                    "Content-Type": "application/x-www-form-urlencoded"})
        elapsed = time.perf_counter() - t0
        r.raise_for_status()
        return r.json()["results"]["bindings"], elapsed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=300, help="generated documents (0: the corpus)")
    ap.add_argument("--forms", default="list,exclude,bare")
    ap.add_argument("--timeout", type=float, default=300, help="seconds per request")
    ap.add_argument("--work", type=Path, default=None, help="working directory (default: temp)")
    args = ap.parse_args()
    from sparql_servers import VirtuosoServer

    if VirtuosoServer.binary() is None:
        raise SystemExit("Virtuoso is not installed: tools/setup-system.sh")
    work = args.work or Path(tempfile.mkdtemp(prefix="itukg-probe-virtuoso-"))
    docs = ROOT / "corpus"
    if args.docs:
        docs = work / f"docs-{args.docs}"
        if not docs.exists():
            subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"),
                            str(args.docs), str(docs)], check=True, stdout=subprocess.DEVNULL)
    root = work / "virtuoso"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    srv = VirtuosoServer(root, buffers=200_000, txn_limit=2_000_000_000, max_seconds=3600).start()
    try:
        v = Virtuoso(srv.query_url, args.timeout)
        system = [b["g"]["value"] for b in
                  v.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")[0]]
        t0 = time.perf_counter()
        built = subprocess.run([str(VENV_BIN / "itukg"), "build", "--quiet", str(docs)],
                               env={**os.environ, **srv.env()}, capture_output=True, text=True)
        if built.returncode != 0:
            raise SystemExit(f"the build failed:\n{built.stderr[-2000:]}")
        print(f"built {args.docs or 'the corpus'} in {time.perf_counter() - t0:.0f} s; "
              f"system graphs before it: {' '.join(system)}")
        published = [b["g"]["value"] for b in v.select(PUBLISHED)[0]]
        first = v.select(FIRST_OUTPUT, published)[0][0]
        code, doc, output = (first[k]["value"] for k in ("code", "doc", "o"))
        trace = (ROOT / "queries" / "output-trace.rq").read_text().replace(
            "WHERE {", "WHERE {\n  VALUES (?outputCode ?document) { (%s <%s>) }" % (json.dumps(code), doc), 1)
        queries = {
            "count": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
            "resource": f"SELECT ?p ?o WHERE {{ <{output}> ?p ?o }} LIMIT 10",
            "code lookup": ("PREFIX ikg: <https://w3id.org/itukg/ontology#> SELECT ?o WHERE "
                            f"{{ ?o a ikg:Output ; ikg:code {json.dumps(code)} }}"),
            "trace": trace,
        }
        exclude = "".join(f"define input:default-graph-exclude <{g}>\n" for g in [*system, META])
        print(f"{len(published)} published graphs\n")
        print("| query | form | first ms | second ms | answer |\n|---|---|---:|---:|---|")
        for name, text in queries.items():
            for form in args.forms.split(","):
                ask = {"list": lambda t: v.select(t, published), "exclude": lambda t: v.select(exclude + t),
                       "bare": lambda t: v.select(t)}[form]
                try:
                    rows, first_s = ask(text)
                    rows, second_s = ask(text)
                except httpx.HTTPError as exc:
                    print(f"| {name} | {form} | {type(exc).__name__} | | |")
                    continue
                answer = rows[0]["n"]["value"] + " triples" if name == "count" else f"{len(rows)} rows"
                print(f"| {name} | {form} | {first_s * 1000:.1f} | {second_s * 1000:.1f} | {answer} |",
                      flush=True)
    finally:
        srv.stop()
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
