"""Build the store from planning documents: parse, map, load, switch.

``build(paths, settings)`` reads every document (``*.txt`` text exports and ``*.docx`` Word files,
or directories of them; Word lock files ``~$*.docx`` are skipped),
parses and maps each one (in worker processes when there are many), and writes a NEW generation
of the store holding:

- ``B graph/ontology``: ``ontology/itukg.ttl`` as is;
- ``B graph/reference``: the reference data (:func:`itukg.graph.mapping.reference.reference_ntriples`);
- ``B graph/doc/{slug}``: one graph per document;
- every graph a user loaded with ``itukg load`` (carried over from the current generation).

The new generation becomes current only when all of it is loaded (see
:func:`itukg.graph.store.begin_generation`); a bad document, an exception or an interrupt leaves the
previous store exactly as it was. A build defines the document set: documents of an earlier
build that are not given again are not carried over. The audit graph is not carried over either
(it described the old documents).

Nothing here imports pyoxigraph or knows the store's disk layout: storage is reached through
the functions of :mod:`itukg.graph.store` (``begin_generation``, ``open_store``,
``store_exists``) and the Store protocol.

(About 540 lines: the build is one pipeline, read top to bottom: find, parse and map in worker
processes, stream into one bulk load, commit. The per-document worker part, lines ~160-330,
could become its own module; it is left here while issue 9's document-stage work edits it.)
"""

from __future__ import annotations

import bisect
import collections
import dataclasses
import importlib.resources
import io
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Literal, URIRef

from itukg.errors import DataError, DocumentError, ItukgError, ParseWarning
from itukg.graph.mapping.versions import latest_nquads
from itukg.graph.store import (
    begin_generation,
    check_rdf,
    ntriples_to_nquads,
    open_store,
)
from itukg.settings import Settings

#: Longest N-Triples line a document's mapped data holds; a longer source literal goes aside
#: (the engine's parsers buffer one line in 16 MB; decision 0123).
INLINE_LITERAL_MAX = 4 * 1024 * 1024
#: Below this many documents the build parses in the calling process (a pool costs ~50 ms).
PARALLEL_THRESHOLD = 4

ProgressCallback = Callable[[int, int, str], None]
"""``progress(done, total, path)`` after each document is parsed and mapped."""


@dataclass
class DocumentReport:
    """What one document contributed."""

    path: str
    slug: str
    graph: str
    triples: int
    summary: dict
    warnings: list[ParseWarning]
    seconds: float


@dataclass
class BuildReport:
    """The outcome of a build: per-document summaries, all warnings, timings (seconds)."""

    documents: list[DocumentReport] = field(default_factory=list)
    ontology_triples: int = 0
    reference_triples: int = 0
    carried_graphs: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    generation: str = ""
    workers: int = 1

    @property
    def warnings(self) -> list[ParseWarning]:
        return [w for d in self.documents for w in d.warnings]

    @property
    def document_triples(self) -> int:
        return sum(d.triples for d in self.documents)

    @property
    def total_triples(self) -> int:
        return (
            self.document_triples
            + self.ontology_triples
            + self.reference_triples
            + sum(self.carried_graphs.values())
        )

    def to_dict(self) -> dict:
        return {
            "generation": self.generation,
            "workers": self.workers,
            "documents": [
                {
                    "path": d.path,
                    "slug": d.slug,
                    "graph": d.graph,
                    "triples": d.triples,
                    "summary": d.summary,
                    "warnings": [str(w) for w in d.warnings],
                    "seconds": round(d.seconds, 4),
                }
                for d in self.documents
            ],
            "ontology_triples": self.ontology_triples,
            "reference_triples": self.reference_triples,
            "carried_graphs": self.carried_graphs,
            "total_triples": self.total_triples,
            "timings": {k: round(v, 4) for k, v in self.timings.items()},
        }


# -- finding documents ---------------------------------------------------------------------------
#: What a directory is searched for: the file kinds of ``documents.reader.SOURCE_READERS``.
DOCUMENT_SUFFIXES = (".txt", ".docx")


def find_documents(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Expand files and directories (every ``*.txt`` and ``*.docx`` below them, sorted; Word's
    lock files ``~$*.docx`` skipped) into document paths.

    Raises :class:`DocumentError` for a path that does not exist or a directory without
    documents, and when nothing is found at all."""
    found: list[Path] = []
    seen: set[Path] = set()
    for p in map(Path, paths):
        if p.is_dir():
            files = sorted(f for f in p.rglob("*")
                           if f.suffix.lower() in DOCUMENT_SUFFIXES and f.is_file()
                           and not f.name.startswith("~$"))
            if not files:
                raise DocumentError("no *.txt or *.docx documents in this directory",
                                    source=str(p))
        elif p.is_file():
            files = [p]
        else:
            raise DocumentError("no such file or directory", source=str(p))
        for f in files:
            key = f.resolve()
            if key not in seen:
                seen.add(key)
                found.append(f)
    if not found:
        raise DocumentError("no documents given")
    return found


def check_sizes(docs: Iterable[Path], limit: int) -> None:
    """Raise :class:`DocumentError` naming the first document file larger than ``limit`` bytes
    (``ITUKG_MAX_DOCUMENT_BYTES``), before any work starts."""
    for d in docs:
        try:
            size = d.stat().st_size
        except OSError as exc:
            raise DocumentError(f"cannot read the file: {exc.strerror or exc}",
                                source=str(d)) from None
        if size > limit:
            raise DocumentError(f"the file has {size} bytes, more than the limit of {limit} "
                                "(ITUKG_MAX_DOCUMENT_BYTES)", source=str(d))


def bundled_corpus() -> Path:
    """The project's bundled ``corpus/`` folder (next to the package sources).

    Raises :class:`DocumentError` when it is not there (e.g. an installed wheel)."""
    here = Path(__file__).resolve().parent.parent / "corpus"
    if not here.is_dir():
        raise DocumentError("the bundled corpus/ folder is not available; give document paths")
    return here


# -- per-document work (runs in worker processes) -----------------------------------------------
@dataclass
class _Done:
    path: str
    slug: str
    graph: str
    nquads: bytes
    triples: int
    summary: dict
    warnings: list[ParseWarning]
    seconds: float
    #: (subject, predicate, text) literals too long for an N-Triples line the loader's parser
    #: buffers (16 MB); the main process adds them as terms after the bulk load.
    aside: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class _Failed:
    kind: str
    message: str
    source: str | None
    line: int | None


def _process(path: str, base_iri: str) -> _Done | _Failed:
    """Parse and map one document. Never raises: errors come back as :class:`_Failed` (exception
    objects with keyword arguments do not survive pickling between processes)."""
    t0 = time.perf_counter()
    try:
        from itukg.graph.mapping.mapper import document_ntriples
        from itukg.graph.documents import parse_file

        doc = parse_file(path)
        nt = document_ntriples(doc, base_iri)
        if isinstance(nt, str):
            nt = nt.encode("utf-8")
        subject, values = source_text_values(doc, base_iri)  # the pages' source view (issue 5)
        aside = []
        for predicate, text in values:
            line = _literal_line(subject, predicate, text)
            if len(line) > INLINE_LITERAL_MAX:  # past the parser's buffer: added as a term
                aside.append((subject, predicate, text))
            else:
                nt += line
        graph = f"{base_iri}graph/doc/{doc.slug}"
        # validated here, in parallel, so the single loader can skip validation
        check_rdf(nt, "ntriples", source=f"{path} (mapped N-Triples)")
        nquads, n = ntriples_to_nquads(nt, graph, source=f"{path} (mapped N-Triples)")
        summary = doc.summary() if hasattr(doc, "summary") else {}
        name = Path(path).name
        warnings = [  # name the file as the user gave it
            dataclasses.replace(w, source=path) if w.source == name else w
            for w in getattr(doc, "warnings", []) or []
        ]
        return _Done(path, doc.slug, graph, nquads, n + len(aside), summary, warnings,
                     time.perf_counter() - t0, aside)
    except ItukgError as exc:
        source = path if exc.source in (None, Path(path).name) else exc.source
        return _Failed(type(exc).__name__, exc.message, source, exc.line)
    except Exception as exc:  # a bug in parsing/mapping: reported against the file, no traceback
        return _Failed("DocumentError", f"internal error while reading this document: "
                       f"{type(exc).__name__}: {exc}", path, None)


def source_text_values(doc, base_iri: str) -> tuple[str, list[tuple[str, str]]]:
    """The document's IRI and its ``(predicate, text)`` source literals: ``ikg:sourceText``, its
    lines as read (``Line.raw``), LF-joined, so line N of the text is the ``D/line/N`` of the
    graph (the pages' source view, issue 5; decision 0072); for a Word file also
    ``ikg:wordLocators`` (each line's place in the .docx, decision 0105). Raises nothing."""
    from itukg.graph.vocab import IKG

    values = [(str(IKG.sourceText), "\n".join(line.raw for line in doc.lines))]
    if getattr(doc, "locators", None):  # p12, t3/r2/c1/p0 per line (issue 10)
        values.append((str(IKG.wordLocators), "\n".join(doc.locators)))
    return f"{base_iri}id/doc/{doc.slug}", values


def _literal_line(subject: str, predicate: str, text: str) -> bytes:
    """One N-Triples line ``<subject> <predicate> "text" .``. Raises nothing."""
    esc = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
           .replace("\r", "\\r"))
    return f'<{subject}> <{predicate}> "{esc}" .\n'.encode("utf-8")


def source_text_ntriples(doc, base_iri: str) -> bytes:
    """The source literals of :func:`source_text_values` as N-Triples. Raises nothing."""
    subject, values = source_text_values(doc, base_iri)
    return b"".join(_literal_line(subject, p, text) for p, text in values)


def _process_star(args: tuple[str, str]) -> _Done | _Failed:
    return _process(*args)


def _raise(failed: _Failed) -> None:
    from itukg import errors

    cls = getattr(errors, failed.kind, DocumentError)
    if not (isinstance(cls, type) and issubclass(cls, ItukgError)):
        cls = DocumentError
    raise cls(failed.message, source=failed.source, line=failed.line)


def _worker_init(parent: int) -> None:
    """Pool worker set-up: ignore Ctrl-C (the parent handles it and stops the pool) and die
    with the parent (Linux ``PR_SET_PDEATHSIG``), so a killed build leaves no orphans."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _warm_up() -> None:
    """Import the parser and mapper and compile the language tables once, in the parent, so
    that forked workers start warm."""
    try:
        from itukg.graph.mapping import mapper  # noqa: F401
        from itukg.graph import documents

        for code in documents.available_languages():
            documents.load_language(code)
    except ItukgError:
        pass  # a broken language table is reported against the document that needs it


def _reference_job(base_iri: str) -> tuple[bytes, int] | _Failed:
    """Build the reference graph as N-Quads (runs in a worker when there is a pool)."""
    try:
        settings = Settings(base_iri=base_iri)
        nt = reference_ntriples(base_iri)
        check_rdf(nt, "ntriples", source="reference data")
        return ntriples_to_nquads(nt, settings.reference_graph, source="reference data")
    except ItukgError as exc:
        return _Failed(type(exc).__name__, exc.message, exc.source or "reference data", exc.line)


class _Pipeline:
    """Parse and map documents, in worker processes when ``workers > 1``.

    The pool is started on construction, before the store is opened, so the workers fork from
    a process that holds no open database. At most :data:`IN_FLIGHT` documents per worker are
    submitted ahead of the loader, which bounds memory when parsing outruns loading. The
    reference graph is built as the pool's first job, alongside the documents."""

    IN_FLIGHT = 8

    def __init__(self, docs: Sequence[Path], base_iri: str, workers: int):
        self.jobs = [(str(p), base_iri) for p in docs]
        self.base_iri = base_iri
        self.pool: ProcessPoolExecutor | None = None
        self._reference: object = None
        self.parallel_documents = workers > 1
        cpus = os.cpu_count() or 1
        if workers > 1 or cpus > 1:
            # Even with one document the reference graph is built in a worker, alongside it.
            _warm_up()  # forked workers inherit the imported parser, mapper and language tables
            ctx = multiprocessing.get_context("fork") if hasattr(os, "fork") else None
            self.pool = ProcessPoolExecutor(max_workers=max(workers, 1), mp_context=ctx,
                                            initializer=_worker_init, initargs=(os.getpid(),))
            self._reference = self.pool.submit(_reference_job, base_iri)
            self.window = workers * self.IN_FLIGHT

    def reference(self) -> tuple[bytes, int]:
        """The reference graph as ``(nquads, triples)``. Raises what building it raised."""
        res = self._reference.result() if self.pool is not None else _reference_job(self.base_iri)  # type: ignore[union-attr]
        self._reference = None
        if isinstance(res, _Failed):
            _raise(res)
        return res  # type: ignore[return-value]

    def __iter__(self) -> Iterator[_Done | _Failed]:
        if self.pool is None or not self.parallel_documents:
            yield from map(_process_star, self.jobs)
            return
        pending: collections.deque = collections.deque()
        jobs = iter(self.jobs)
        for job in jobs:
            pending.append(self.pool.submit(_process_star, job))
            if len(pending) >= self.window:
                break
        while pending:
            res = pending.popleft().result()
            nxt = next(jobs, None)
            if nxt is not None:
                pending.append(self.pool.submit(_process_star, nxt))
            yield res

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


# -- the static graphs ---------------------------------------------------------------------------
def ontology_turtle() -> bytes:
    """The bundled ontology (``ontology/itukg.ttl``). Raises :class:`DocumentError` if missing."""
    try:
        return importlib.resources.files("itukg.ontology").joinpath("itukg.ttl").read_bytes()
    except (FileNotFoundError, ModuleNotFoundError) as exc:
        raise DocumentError(f"the ontology file is missing: {exc}") from None


def reference_ntriples(base_iri: str) -> bytes:
    """The reference data as N-Triples (see :mod:`itukg.graph.mapping.reference`)."""
    from itukg.graph.mapping.reference import reference_ntriples as ref

    data = ref(base_iri)
    return data.encode("utf-8") if isinstance(data, str) else data


def _user_graphs(settings: Settings) -> list[str]:
    """Graphs of the current generation that a build does not produce (loaded by users)."""
    own_prefixes = (
        settings.ontology_graph,
        settings.reference_graph,
        settings.audit_graph,
        settings.base_iri + "graph/doc/",
    )
    with open_store(settings, read_only=True) as store:
        return [
            g for g in store.graphs()
            if g.startswith(settings.file_graph("")) or not g.startswith(own_prefixes)
        ]


# -- the build -----------------------------------------------------------------------------------
def build(
    paths: Iterable[str | os.PathLike[str]],
    settings: Settings,
    progress: ProgressCallback | None = None,
    *,
    workers: int | None = None,
) -> BuildReport:
    """Build a new generation of the store from ``paths`` and make it current.

    ``workers``: processes for parsing and mapping (default: the number of CPUs when there are
    at least :data:`PARALLEL_THRESHOLD` documents, else 1).

    Raises :class:`DocumentError` for a missing path, a file over ``max_document_bytes``, a
    document that is not of the family, or
    two documents with the same slug (naming both files); :class:`DataError` if mapped data is
    malformed; :class:`StoreError` if the store is busy or not an itukg store. In every error
    case (and on KeyboardInterrupt) the previous store is left exactly as it was.
    """
    t_start = time.perf_counter()
    timings: dict[str, float] = {}
    docs = find_documents(paths)
    check_sizes(docs, settings.max_document_bytes)
    if workers is None:
        workers = (os.cpu_count() or 1) if len(docs) >= PARALLEL_THRESHOLD else 1
    workers = max(1, min(workers, len(docs)))
    report = BuildReport(workers=workers)

    ontology = ontology_turtle()
    pipeline = _Pipeline(docs, settings.base_iri, workers)
    try:
        _build_generation(settings, pipeline, len(docs), ontology, report, timings, progress)
    finally:
        pipeline.close()
    timings["total"] = time.perf_counter() - t_start
    report.timings = timings
    return report


class _QuadStream(io.RawIOBase):
    """A read-only byte stream of N-Quads that pulls chunks from an iterator on demand, so the
    whole build goes through ONE bulk-load call (each call ingests its own table files, which
    RocksDB then compacts: one call costs ~20% less CPU than 32 MB batches at 1,000 documents)
    while memory stays bounded. Remembers which document each line came from, to name it when
    the loader refuses a line. Exceptions raised by the iterator (a bad document, Ctrl-C)
    propagate through the loader unchanged."""

    def __init__(self, chunks: Iterator[tuple[str, bytes, int]]):
        self.chunks = chunks
        self.buf = memoryview(b"")
        self.line = 0  # lines handed out so far
        self.spans: list[tuple[int, str]] = []  # (first line, source) per chunk
        self.wait = 0.0

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:  # noqa: ANN001
        while not self.buf:
            t0 = time.perf_counter()
            nxt = next(self.chunks, None)
            self.wait += time.perf_counter() - t0
            if nxt is None:
                return 0
            source, data, lines = nxt
            self.spans.append((self.line + 1, source))
            self.line += lines
            self.buf = memoryview(data)
        n = min(len(b), len(self.buf))
        b[:n] = self.buf[:n]
        self.buf = self.buf[n:]
        return n

    def locate(self, line: int) -> tuple[str, int]:
        """(source, line within it) of stream line ``line``."""
        pos = bisect.bisect_right([s for s, _ in self.spans], line) - 1
        first, source = self.spans[max(pos, 0)]
        return source, line - first + 1


def _chunks(
    settings: Settings,
    pipeline: _Pipeline,
    total: int,
    carry: list[str],
    report: BuildReport,
    timings: dict[str, float],
    progress: ProgressCallback | None,
    aside: list[tuple[str, str, str, str]],
) -> Iterator[tuple[str, bytes, int]]:
    """The build's N-Quads as ``(source, data, lines)`` chunks: each document as it is mapped,
    then the reference data, then the graphs carried over from the current store. Fills
    ``report`` on the way, and ``aside`` with ``(graph, subject, predicate, text)`` literals too
    long to go through the loader's parser. Raises the document's error (DocumentError, DataError) for a
    document that failed, and DocumentError for two documents with the same slug."""
    slugs: dict[str, str] = {}
    # Documents first: the reference graph is being built in a worker meanwhile.
    for i, res in enumerate(pipeline, 1):
        if isinstance(res, _Failed):
            _raise(res)
        assert isinstance(res, _Done)
        if res.slug in slugs:
            raise DocumentError(
                f"two documents have the same slug {res.slug!r}: {slugs[res.slug]} and "
                f"{res.path} (same symbol and language); build them into separate "
                "stores or remove one",
                source=res.path,
            )
        slugs[res.slug] = res.path
        report.documents.append(DocumentReport(
            res.path, res.slug, res.graph, res.triples, res.summary, res.warnings,
            res.seconds))
        data, res.nquads = res.nquads, b""
        aside.extend((res.graph, *a) for a in res.aside)
        yield f"{res.path} (mapped data)", data, res.triples
        if progress is not None:
            progress(i, total, res.path)
    yield latest_nquads(report.documents, settings.base_iri)  # needs every document's identity
    t1 = time.perf_counter()
    ref_nq, report.reference_triples = pipeline.reference()
    timings["reference_wait"] = time.perf_counter() - t1
    yield "reference data", ref_nq, report.reference_triples
    del ref_nq
    if carry:
        with open_store(settings, read_only=True) as old:
            for g in carry:
                data = old.dump("nquads", g)
                report.carried_graphs[g] = data.count(b"\n")
                yield f"graph <{g}> of the current store", data, report.carried_graphs[g]


def _build_generation(
    settings: Settings,
    pipeline: _Pipeline,
    total: int,
    ontology: bytes,
    report: BuildReport,
    timings: dict[str, float],
    progress: ProgressCallback | None,
) -> None:
    with begin_generation(settings, kind="build") as gen:
        # The loaded graphs to carry over are read with the writer lock held (decision 0120):
        # read before it, a load that commits in between would be lost at this commit.
        carry = _user_graphs(settings) if gen.previous is not None else []
        t0 = time.perf_counter()
        gen.bulk_load(ontology, "turtle", settings.ontology_graph)
        report.ontology_triples = gen.store.triples_per_graph().get(settings.ontology_graph, 0)
        timings["ontology_load"] = time.perf_counter() - t0
        aside: list[tuple[str, str, str, str]] = []
        stream = _QuadStream(_chunks(settings, pipeline, total, carry, report, timings, progress,
                                     aside))
        t0 = time.perf_counter()
        try:
            # every chunk was parsed strictly before (workers, reference job, or a store dump)
            gen.bulk_load(io.BufferedReader(stream, 1 << 20), "nquads",  # type: ignore[arg-type]
                          validated=True)
        except DataError as exc:
            if exc.line is None:
                raise
            source, line = stream.locate(exc.line)
            raise DataError(exc.message, source=source, line=line) from None
        for graph, subject, predicate, text in aside:  # long source texts, as terms
            gen.store.add_triples(graph, [(URIRef(subject), URIRef(predicate), Literal(text))])
        timings["documents"] = time.perf_counter() - t0
        timings["parse_wait"] = stream.wait

        t0 = time.perf_counter()
        report.generation = gen.commit(
            documents=[d.slug for d in report.documents],
            triples=report.total_triples,
        )
        timings["commit"] = time.perf_counter() - t0
