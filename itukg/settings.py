"""Settings, read in one place (pydantic-settings; environment variables prefixed ``ITUKG_``).

Every command and the service take the store location from :attr:`Settings.store`
(``--store`` option or ``ITUKG_STORE``), so several stores can live side by side.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_BASE_IRI = "https://w3id.org/itukg/"
from itukg.graph.ontology import IKG_NS, ONTOLOGY_IRI  # noqa: F401 - defined once, re-exported


_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:")


def has_scheme(text: str) -> bool:
    """Whether ``text`` starts with a URL scheme (``http:``, ``https:``, ``ftp:`` ...; two letters
    at least, so no drive letter). Raises nothing."""
    return bool(_SCHEME.match(text))


class Settings(BaseSettings):
    """All configuration of itukg.

    Raises ``pydantic.ValidationError`` on an invalid value (e.g. a base IRI without a trailing
    slash, or updates enabled without a strong token; see :meth:`check_for_serving`).
    """

    model_config = SettingsConfigDict(env_prefix="ITUKG_", extra="ignore")

    store: Path | str = Field(
        Path("var/store"),
        description="Directory of the embedded store, or the http(s) URL of a SPARQL server "
        "(docs/store.md, Backends); anything with a scheme stays a string, never a folder",
    )
    store_query_url: str | None = Field(None, description="Remote store: SPARQL query endpoint")
    store_update_url: str | None = Field(None, description="Remote store: SPARQL update endpoint")
    store_gsp_url: str | None = Field(None, description="Remote store: Graph Store endpoint")
    store_timeout: float = Field(
        3600.0, gt=0, description="Remote store: seconds one request to the server may take",
    )
    store_dialect: Literal["auto", "oxigraph", "virtuoso", "generic"] = Field(
        "auto", description="Remote store: which server's traps to handle (auto: ask the server)",
    )
    # credentials of the remote store: from the environment only (ITUKG_STORE_USER and
    # ITUKG_STORE_PASSWORD), never an option, never in a URL, never in a dump of the settings
    store_user: str | None = Field(None, exclude=True, repr=False)
    store_password: str | None = Field(None, exclude=True, repr=False)
    # set by the process that starts query processes over a remote store, never by a user: the
    # Unix socket through which they, off the network, reach the server (remote/relay.py)
    store_relay: str | None = Field(None, description="Internal: the remote store's relay socket")
    store_backend: str = Field(
        "oxigraph",
        description="Store backend serving `store` (itukg.graph.store.registry; docs/store.md)",
    )
    base_iri: str = Field(DEFAULT_BASE_IRI, description="Base IRI of every minted identifier")
    host: str = "127.0.0.1"
    port: int = 8000
    query_timeout: float = Field(30.0, gt=0, description="Per-query deadline in seconds")
    max_results: int = Field(100_000, gt=0, description="Result-size cap (rows or triples)")
    max_result_bytes: int = Field(64 * 1024 * 1024, gt=0, description="Result-size cap in bytes")
    query_workers: int = Field(2, gt=0, description="Worker processes that run SPARQL queries")
    query_store: Literal["auto", "memory", "disk"] = Field(
        "auto",
        description=(
            "Where query workers read: 'memory' copies the current generation into each worker's "
            "memory (3-4x faster queries), 'disk' reads RocksDB, 'auto' copies when the "
            "generation's database is at most memory_store_max_mb"
        ),
    )
    memory_store_max_mb: int = Field(
        2048, ge=0,
        description="auto mode: largest on-disk database (MB) that query workers copy into memory",
    )
    network_isolation: Literal["required", "best-effort", "off"] = Field(
        "best-effort",
        description="Query workers and `itukg query` run in a network namespace of their own: "
        "required (refuse to start without it), best-effort (warn), off (decision 0128)",
    )
    max_load_bytes: int = Field(
        256 * 1024 * 1024, gt=0,
        description="Largest file `itukg load` reads (bytes); larger ones are refused",
    )
    max_literal_bytes: int = Field(
        16 * 1024 * 1024, gt=0,
        description="Largest literal in loaded RDF (bytes), and the most RDF/XML entity "
        "references may expand to",
    )
    max_document_bytes: int = Field(
        64 * 1024 * 1024, gt=0,
        description="Largest planning document file `itukg build` reads (bytes)",
    )
    debug: bool = Field(False, description="CLI: show the traceback of an internal error")
    # -- limits of the HTTP service (docs/api.md "Fair share", "HTTP edges"; decisions 0124, 0126)
    max_url_bytes: int = Field(8192, ge=256, description="Longest request target (bytes); longer: 414")
    max_header_bytes: int = Field(32768, ge=1024, description="Largest request headers (bytes): 431")
    client_concurrency: int = Field(2, ge=1, description="/sparql queries per client at once: 429")
    client_query_seconds: float = Field(60.0, gt=0, description="Worker seconds per client per window")
    client_budget_window: float = Field(60.0, gt=0, description="Seconds over which the budget refills")
    reserved_workers: int = Field(1, ge=0, description="Workers /sparql cannot take (named queries, API)")
    trusted_proxies: list[str] = Field(default_factory=list, description="Proxies whose XFF is used")
    publish_dir: Path | None = Field(
        None, description="Directory of `itukg publish` snapshots the service serves at /snapshots/",
    )
    allow_updates: bool = Field(False, description="Enable the SPARQL update operation")
    update_token: str | None = Field(None, description="Bearer token required for updates")

    @field_validator("store", mode="before")
    @classmethod
    def _store_location(cls, v: object) -> object:
        # "http://h:7878" through Path() would become the folder "http:/h:7878": a value with a
        # scheme stays a string (open_store serves http(s) and refuses every other scheme)
        text = str(v)
        if has_scheme(text):
            return text
        return Path(text) if isinstance(v, str) else v

    @property
    def store_is_remote(self) -> bool:
        """Whether ``store`` is a URL (a SPARQL server) rather than a folder."""
        return isinstance(self.store, str) and has_scheme(self.store)

    @property
    def worker_network_isolation(self) -> str:
        """The isolation the query processes apply: as set. Over a remote store they reach the
        server through the relay their parent holds (``store_relay``, decision 0174); without
        one (a process opening the store itself) ``best-effort`` is ``off``, and ``required``
        fails clearly ("cannot reach ...") instead of running unisolated."""
        if self.store_is_remote and not self.store_relay and self.network_isolation == "best-effort":
            return "off"
        return self.network_isolation

    @field_validator("base_iri")
    @classmethod
    def _base_iri_ends_with_slash(cls, v: str) -> str:
        if not (v.startswith("http://") or v.startswith("https://")) or not v.endswith("/"):
            raise ValueError("base IRI must be an http(s) IRI ending with '/'")
        return v

    def check_for_serving(self) -> None:
        """Refuse to serve with updates enabled and no strong token.

        Raises ``ValueError`` with the reason.
        """
        if self.allow_updates:
            tok = self.update_token or ""
            if len(tok) < 32 or len(set(tok)) < 10:
                raise ValueError(
                    "ITUKG_ALLOW_UPDATES is on but ITUKG_UPDATE_TOKEN is missing or weak "
                    "(need at least 32 characters with at least 10 distinct ones)"
                )

    # -- derived IRIs -------------------------------------------------------------------------
    @property
    def ontology_graph(self) -> str:
        return self.base_iri + "graph/ontology"

    @property
    def reference_graph(self) -> str:
        return self.base_iri + "graph/reference"

    @property
    def audit_graph(self) -> str:
        return self.base_iri + "graph/audit"

    def document_graph(self, slug: str) -> str:
        return f"{self.base_iri}graph/doc/{slug}"

    def document_iri(self, slug: str) -> str:
        return f"{self.base_iri}id/doc/{slug}"

    def file_graph(self, name: str) -> str:
        return f"{self.base_iri}graph/file/{name}"
