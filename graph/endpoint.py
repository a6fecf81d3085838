"""A remote SPARQL 1.1 triplestore (Virtuoso, Fuseki, GraphDB …): load the graph, ask it questions.

Loading uses the SPARQL 1.1 Graph Store HTTP Protocol when a graph-store URL is given
(``PUT ?graph=IRI`` replaces one named graph in one request), else SPARQL 1.1 Update
(``DROP SILENT GRAPH`` and ``INSERT DATA`` in one request). Either way each document's
named graph is replaced whole or not at all, and graphs of documents no longer in the
store are dropped.

Queries go over the SPARQL protocol with the policykg graphs as the default graph
(``default-graph-uri``), so they read the same union the embedded store reads, whatever
the server's own idea of a default graph (Fuseki: its unnamed graph; Virtuoso: all
graphs, system graphs included), and as the named graphs ``GRAPH ?g`` reads, as in the
embedded store. The protocol cannot bind variables, so parameters become a ``VALUES``
block at the start of the ``WHERE`` clause, written as escaped literals, never spliced
into the query as text.

>>> print(bind_values("SELECT ?x WHERE { ?x ?p ?agency }", {"agency": 'a"b'}))
SELECT ?x WHERE { VALUES (?agency) { ("a\\"b") } ?x ?p ?agency }
"""

from __future__ import annotations

import base64
import re
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field

import pyoxigraph as ox

from policykg.graph.rdf import classic_quads
from policykg.graph.uris import credentials_error, redact
from policykg.graph.vocab import GRAPH, ONTOLOGY_GRAPH, SHARED_GRAPH, document_of_graph

#: Triples per ``INSERT DATA`` request (Virtuoso's SPARQL parser runs out of memory on ~5,000).
UPDATE_BATCH = 2000
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_RESULTS_JSON = "application/sparql-results+json"


class EndpointError(Exception):
    """The endpoint could not be reached or refused a request; the message says which and why."""


def bind_values(text: str, params: dict[str, str | ox.NamedNode | ox.Literal] | None) -> str:
    """``text`` with each parameter bound by a ``VALUES`` block opening its ``WHERE`` clause.

    A value is a string literal unless given as a pyoxigraph term (an IRI, a typed literal).
    """
    if not params:
        return text
    match = _WHERE.search(text)
    if match is None:
        raise ValueError("cannot bind parameters: the query has no WHERE { … } clause")
    names = " ".join(f"?{k}" for k in params)
    values = " ".join(str(v if isinstance(v, (ox.NamedNode, ox.Literal)) else ox.Literal(str(v)))
                      for v in params.values())
    return f"{text[:match.end()]} VALUES ({names}) {{ ({values}) }}{text[match.end():]}"


def _is_policykg_graph(name: str) -> bool:
    return name == str(ONTOLOGY_GRAPH) or name.startswith(str(GRAPH))


@dataclass
class Endpoint:
    """One remote store: its SPARQL query URL, optional update and graph-store URLs, credentials.

    ``update_url`` defaults to ``url`` (Virtuoso and GraphDB take both on one URL; Fuseki
    has ``/update``). With ``user``, requests authenticate with HTTP Basic or Digest,
    whichever the server asks for. URLs are ``http(s)://`` without credentials in them
    (:mod:`policykg.graph.uris`); anything else is an :class:`EndpointError`.

    >>> try:
    ...     Endpoint("file:///etc/passwd")
    ... except EndpointError as err:
    ...     print(err)
    file:///etc/passwd: an endpoint URL starts with http:// or https://
    """

    url: str
    graph_store: str | None = None
    update_url: str | None = None
    user: str | None = None
    password: str | None = None
    timeout: float = 300.0
    _opener: urllib.request.OpenerDirector = field(init=False, repr=False)
    _digest: urllib.request.HTTPDigestAuthHandler = field(init=False, repr=False)
    # how each URL (scheme, host and path) wants to be authenticated, learnt once
    _challenges: dict[str, tuple[str, dict[str, str]]] = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        for url in (self.url, self.update_url, self.graph_store):
            if url is None:
                continue
            refused = credentials_error(url, "pass --endpoint-user (or SPARQL_USER) and set SPARQL_PASSWORD instead")
            if refused:
                raise EndpointError(refused)
            # urllib would also open file:// and ftp:// URLs, and print what it read as a bad answer.
            if urllib.parse.urlsplit(url).scheme.lower() not in ("http", "https"):
                raise EndpointError(f"{redact(url)}: an endpoint URL starts with http:// or https://")
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        for url in (self.url, self.update_url, self.graph_store):
            if url and self.user:
                passwords.add_password(None, url, self.user, self.password or "")
        self._digest = urllib.request.HTTPDigestAuthHandler(passwords)
        self._opener = urllib.request.build_opener()

    # -- HTTP ------------------------------------------------------------------
    def _challenge(self, url: str) -> tuple[str, dict[str, str]]:
        """How the server at ``url`` wants to be authenticated: ``("basic"|"digest"|"none", params)``."""
        parts = urllib.parse.urlsplit(url)
        host = f"{parts.netloc}{parts.path}"
        if host not in self._challenges:
            scheme, params = "none", {}
            try:
                self._opener.open(urllib.request.Request(url, method="HEAD"), timeout=self.timeout).close()
            except urllib.error.HTTPError as err:
                offer = err.headers.get("WWW-Authenticate", "") if err.code == 401 else ""
                kind, _, rest = offer.partition(" ")
                if kind.lower() in ("basic", "digest"):
                    scheme = kind.lower()
                    params = urllib.request.parse_keqv_list(urllib.request.parse_http_list(rest))
            except (urllib.error.URLError, OSError):
                pass
            self._challenges[host] = (scheme, params)
        return self._challenges[host]

    def _sign(self, request: urllib.request.Request) -> None:
        # Credentials go with the request itself: a server that answered 401 first would
        # close the connection while a large graph is still being sent.
        scheme, params = self._challenge(request.full_url)
        if scheme == "basic":
            token = base64.b64encode(f"{self.user}:{self.password or ''}".encode()).decode("ascii")
            request.add_unredirected_header("Authorization", f"Basic {token}")
        elif scheme == "digest":
            answer = self._digest.get_authorization(request, params)
            if answer:
                request.add_unredirected_header("Authorization", f"Digest {answer}")

    def _send(self, method: str, url: str, body: bytes | None, headers: dict[str, str]) -> tuple[bytes, dict]:
        for attempt in (1, 2):
            request = urllib.request.Request(url, data=body, method=method, headers=headers)
            if self.user:
                self._sign(request)
            try:
                with self._opener.open(request, timeout=self.timeout) as response:
                    return response.read(), dict(response.headers)
            except urllib.error.HTTPError as err:
                if err.code == 401 and self.user and attempt == 1:
                    # The nonce went stale: learn a fresh challenge and sign again.
                    self._challenges.clear()
                    continue
                self._fail(method, url, err)
            except (urllib.error.URLError, OSError) as err:
                reason = getattr(err, "reason", err)
                raise EndpointError(f"{method} {redact(url)}: cannot reach the endpoint ({reason})") from None
        raise EndpointError(f"{method} {redact(url)}: the endpoint refused the credentials of {self.user}")

    @staticmethod
    def _fail(method: str, url: str, err: urllib.error.HTTPError) -> None:
        try:
            detail = err.read().decode("utf-8", "replace")
        except OSError:
            detail = ""
        detail = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", detail)).strip()[:500]
        raise EndpointError(f"{method} {redact(url)}: HTTP {err.code} {err.reason}: {detail}") from None

    def _form(self, url: str, fields: list[tuple[str, str]], accept: str = "*/*") -> tuple[bytes, dict]:
        body = urllib.parse.urlencode(fields).encode("utf-8")
        return self._send("POST", url, body, {"Content-Type": "application/x-www-form-urlencoded",
                                              "Accept": accept})

    # -- queries ---------------------------------------------------------------
    def select(self, text: str, default_graphs: list[str] | None = None) -> ox.QuerySolutions:
        """Run a SELECT; ``default_graphs`` become the query's default graph (``default-graph-uri``)
        and its named graphs (``named-graph-uri``: the provenance pattern's ``GRAPH ?g`` reads them)."""
        fields = [("query", text)] + [(kind, g) for g in default_graphs or []
                                      for kind in ("default-graph-uri", "named-graph-uri")]
        body, headers = self._form(self.url, fields, accept=_RESULTS_JSON)
        limit = {k.lower(): v for k, v in headers.items()}.get("x-sparql-maxrows")
        if limit:
            # Virtuoso cuts answers at ResultSetMaxRows and says so only in this header.
            raise EndpointError(f"{redact(self.url)} cut the answer at {limit} rows; raise the server's result limit "
                                "(Virtuoso: [SPARQL] ResultSetMaxRows)")
        try:
            return ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        except (SyntaxError, ValueError) as err:
            raise EndpointError(f"{redact(self.url)}: not a SPARQL JSON answer ({err}): {body[:200]!r}") from None

    def graph_names(self) -> list[str]:
        """The policykg graphs the endpoint holds (documents, shared, ontology), sorted."""
        # Typed subjects or reifiers only (a jurisdiction's links graph holds links and their
        # reifiers, no typed node): Virtuoso plans the all-quads form of this question as a scan
        # of every quad it holds, a bound predicate as an index look-up.
        text = ("SELECT DISTINCT ?g WHERE { { GRAPH ?g { ?s a ?type } } UNION "
                "{ GRAPH ?g { ?r <http://www.w3.org/1999/02/22-rdf-syntax-ns#subject> ?s } } }")
        names = {sol["g"].value for sol in self.select(text) if isinstance(sol["g"], ox.NamedNode)}
        return sorted(n for n in names if _is_policykg_graph(n))

    # -- updates ---------------------------------------------------------------
    def update(self, text: str) -> None:
        """Run a SPARQL Update request (one request: the server applies it whole or not at all)."""
        self._form(self.update_url or self.url, [("update", text)])

    def replace_graph(self, graph: str, ntriples: bytes) -> None:
        """Make named graph ``graph`` hold exactly ``ntriples``; readers see the old graph or the new one.

        With a graph store that is one ``PUT``. With SPARQL Update the triples go, in
        batches small enough for any server's parser, into a staging graph outside the
        policykg names, which one ``MOVE`` then puts in the place of ``graph``.
        """
        if self.graph_store:
            url = f"{self.graph_store}?{urllib.parse.urlencode({'graph': graph})}"
            # N-Triples is Turtle, and every graph store reads Turtle.
            self._send("PUT", url, ntriples, {"Content-Type": "text/turtle; charset=utf-8"})
            return
        staging = f"urn:policykg:staging:{uuid.uuid4()}"
        lines = ntriples.decode("utf-8").splitlines()
        try:
            self.update(f"DROP SILENT GRAPH <{staging}>")
            for start in range(0, len(lines), UPDATE_BATCH):
                batch = "\n".join(lines[start:start + UPDATE_BATCH])
                self.update(f"INSERT DATA {{ GRAPH <{staging}> {{\n{batch}\n}} }}")
            self.update(f"MOVE SILENT GRAPH <{staging}> TO GRAPH <{graph}>")
        finally:
            self.update(f"DROP SILENT GRAPH <{staging}>")

    def drop_graph(self, graph: str) -> None:
        """Remove named graph ``graph`` (no error if it is not there)."""
        if self.graph_store:
            url = f"{self.graph_store}?{urllib.parse.urlencode({'graph': graph})}"
            try:
                self._send("DELETE", url, None, {})
            except EndpointError as err:
                if "HTTP 404" not in str(err):
                    raise
        else:
            self.update(f"DROP SILENT GRAPH <{graph}>")


@dataclass
class PushReport:
    """What a push did: graphs replaced (with their triple counts) and stale graphs dropped."""

    replaced: dict[str, int] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)

    @property
    def documents(self) -> list[str]:
        """Ids of the documents whose graphs were replaced."""
        return sorted(d for d in (document_of_graph(g) for g in self.replaced) if d)


def _push_order(name: str) -> tuple[int, str]:
    # Shared things and the ontology first, so a document's graph never arrives before
    # the agencies and places it points at.
    return (0 if name in (str(SHARED_GRAPH), str(ONTOLOGY_GRAPH)) else 1, name)


def push_store(rdf: ox.Store, endpoint: Endpoint, prune: bool = True) -> PushReport:
    """Copy every named graph of an embedded store to ``endpoint``, one graph per request.

    (Tested against a real Virtuoso in ``tests/test_virtuoso.py``.)

    Each graph is replaced atomically; with ``prune``, policykg graphs the endpoint holds
    but the store does not (documents since removed) are dropped. Reifiers go in the classic
    form (:func:`policykg.graph.rdf.classic_quads`): a SPARQL 1.1 server reads no triple terms.
    """
    report = PushReport()
    names = sorted((g.value for g in rdf.named_graphs() if isinstance(g, ox.NamedNode)), key=_push_order)
    for name in names:
        quads = classic_quads(rdf.quads_for_pattern(None, None, None, ox.NamedNode(name)))
        data = ox.serialize((q.triple for q in quads), format=ox.RdfFormat.N_TRIPLES)
        endpoint.replace_graph(name, data)
        report.replaced[name] = data.count(b"\n")
    if prune:
        for stale in sorted(set(endpoint.graph_names()) - set(names)):
            endpoint.drop_graph(stale)
            report.dropped.append(stale)
    return report
