"""Ad-hoc queries, read-only: SPARQL over the embedded store, Cypher on the Neo4j server.

SPARQL: prefixes predeclared, parameters bound.

``SELECT`` gives rows, ``ASK`` a boolean, ``CONSTRUCT``/``DESCRIBE`` Turtle. The store is
opened read-only and only queries are accepted (SPARQL Update is a different language
that :meth:`pyoxigraph.Store.query` refuses), so nothing here can change the graph.
The default graph is the union of the store's named graphs; ``GRAPH ?g { … }`` reads
them one by one (``?g`` is the document's graph, see :mod:`policykg.graph.vocab`); a
query's own ``FROM``/``FROM NAMED`` replace that dataset. ``SERVICE`` would make the
store send requests to other servers, so it is refused unless asked for.

Cypher (:func:`run_cypher`): administration commands, ``LOAD CSV``, procedures other
than the read ones of ``cypher-read-procedures.txt`` and anything the server plans as a
write are refused before a row is read, and the query runs in a READ transaction.

>>> "PREFIX eli: <http://data.europa.eu/eli/ontology#>" in with_prefixes("SELECT * { ?d eli:title ?t }")
True
>>> with_prefixes("PREFIX pkg: <urn:x#> SELECT * {}").count("PREFIX pkg:")
1
>>> compact("https://w3id.org/policykg/ontology#Task"), compact("urn:x")
('pkg:Task', 'urn:x')
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from itertools import islice, pairwise
from pathlib import Path
from typing import Any

import neo4j
import pyoxigraph as ox

from policykg.graph.endpoint import bind_values
from policykg.graph.uris import redact_all
from policykg.graph.vocab import PREFIXES
from policykg.queries.runner import python_value

_BY_LENGTH = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))
_LOCAL = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
# SPARQL's lexical tokens that can hide a keyword (strings, IRIs, comments, variables,
# prefixed names), then bare words: only a bare word is a keyword.
_SPARQL_TOKEN = re.compile("|".join([
    r"(?P<skip>'{3}(?:[^'\\]|\\.|'(?!''))*'{3}",  # long strings
    r'"{3}(?:[^"\\]|\\.|"(?!""))*"{3}',
    r"'(?:[^'\\\n]|\\.)*'", r'"(?:[^"\\\n]|\\.)*"',  # strings
    r'<[^<>"{}|^`\\\x00-\x20]*>', r"\#[^\n]*", r"[?$]\w+",  # IRIs, comments, variables
    r"(?:[A-Za-z][\w.-]*)?:[\w.:%\\-]*)",  # prefixed names
    r"(?P<word>[A-Za-z_]\w*)"]))


class SparqlError(Exception):
    """A text that is not a SPARQL query the store can run; the message says why."""


def with_prefixes(text: str) -> str:
    """``text`` with a ``PREFIX`` line for every predeclared prefix it does not declare itself."""
    declared = {m.lower() for m in re.findall(r"PREFIX\s+([A-Za-z][\w.-]*)?:", text, re.IGNORECASE)}
    lines = [f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items() if p.lower() not in declared]
    return "\n".join([*lines, text])


def compact(iri: str) -> str:
    """An IRI as ``prefix:local`` when a predeclared prefix fits, else as it is."""
    for prefix, ns in _BY_LENGTH:
        if iri.startswith(ns) and _LOCAL.match(iri[len(ns):]):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def keywords(text: str) -> set[str]:
    """The SPARQL keywords ``text`` uses, upper-cased: bare words outside strings, IRIs and comments.

    >>> sorted(keywords('SELECT ?from WHERE { BIND("SERVICE" AS ?x) } # FROM <urn:x>'))
    ['AS', 'BIND', 'SELECT', 'WHERE']
    """
    return {m.group("word").upper() for m in _SPARQL_TOKEN.finditer(text) if m.group("word")}


def parameter(key: str, value: str) -> ox.NamedNode | ox.Literal:
    """A ``-p KEY VALUE`` value as a term: ``<IRI>`` is an IRI, anything else a string literal.

    A key that is no variable name or a value that is no IRI is a :class:`SparqlError` naming it.

    >>> parameter("d", "<https://w3id.org/policykg/id/x>"), parameter("a", "县卫健局")
    (<NamedNode value=https://w3id.org/policykg/id/x>, <Literal value=县卫健局 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#string>>)
    """
    try:
        ox.Variable(key)
    except ValueError:
        raise SparqlError(f"-p {key}: {key!r} is not a variable name (letters, digits and _)") from None
    if value.startswith("<") and value.endswith(">"):
        try:
            return ox.NamedNode(value[1:-1])
        except ValueError as err:
            raise SparqlError(f"-p {key}: {value} is not an absolute IRI ({err})") from None
    return ox.Literal(value)


@dataclass
class Answer:
    """What a query gave: ``kind`` is ``rows`` (SELECT), ``boolean`` (ASK) or ``graph`` (CONSTRUCT/DESCRIBE)."""

    kind: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    boolean: bool | None = None
    turtle: str = ""


def _value(term: Any, short: bool) -> Any:
    if isinstance(term, ox.NamedNode):
        return compact(term.value) if short else term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return python_value(term)


def _dataset(text: str, allow_service: bool) -> dict[str, Any]:
    """How to run ``text``: refused if it calls a ``SERVICE`` not allowed; the union as default
    graph unless it names its own dataset with ``FROM``/``FROM NAMED``."""
    used = keywords(text)
    if "SERVICE" in used and not allow_service:
        raise SparqlError("SERVICE would send (part of) the query to another server; policykg sparql reads "
                          "only the store unless you pass --allow-service")
    # Oxigraph's union default graph would override the query's own FROM clauses.
    return {} if "FROM" in used else {"use_default_graph_as_union": True}


def _limited(items: Iterator[Any], limit: int | None) -> Iterator[Any]:
    # Oxigraph evaluates lazily: rows past the limit are never computed.
    return islice(items, limit) if limit is not None else items


def run_sparql(rdf: ox.Store, text: str, params: dict[str, str] | None = None, *,
               short_iris: bool = False, limit: int | None = None, allow_service: bool = False) -> Answer:
    """Run one SPARQL query on the store (default graph: the union of its graphs, unless ``FROM``).

    ``short_iris`` writes IRIs as ``pkg:Task``; parameters are bound (``?KEY``, as a
    ``VALUES`` block opening the ``WHERE`` clause, else by Oxigraph, which then wants
    them in the ``SELECT`` list), their own columns left out of the rows. ``limit``
    stops after that many rows (or triples); ``SERVICE`` is refused unless ``allow_service``.

    >>> run_sparql(ox.Store(), "SELECT ?x WHERE { BIND(?v AS ?x) }", {"v": "县"}).rows
    [{'x': '县'}]
    >>> run_sparql(ox.Store(), "SELECT ?x WHERE { VALUES ?x { 1 2 3 } }", limit=2).rows
    [{'x': 1}, {'x': 2}]
    """
    params = params or {}
    terms = {k: parameter(k, v) for k, v in params.items()}
    dataset = _dataset(text, allow_service)
    subs: dict[ox.Variable, ox.NamedNode | ox.Literal] = {}
    if params and re.search(r"\bWHERE\s*\{", text, re.IGNORECASE):
        text = bind_values(text, terms)
    else:
        subs = {ox.Variable(k): term for k, term in terms.items()}
    try:
        result = rdf.query(with_prefixes(text), substitutions=subs, **dataset)
        # Errors (a failing SERVICE, a store read) can surface while the rows are read.
        if isinstance(result, (bool, ox.QueryBoolean)):
            return Answer("boolean", boolean=bool(result))
        if isinstance(result, ox.QuerySolutions):
            names = [v.value for v in result.variables if v.value not in params]
            rows = [{n: _value(sol[n], short_iris) for n in names} for sol in _limited(result, limit)]
            return Answer("rows", rows=rows)
        data = ox.serialize(_limited(result, limit), format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
        return Answer("graph", turtle=data.decode("utf-8"))
    except SyntaxError as err:
        hint = " (policykg sparql only reads: updates are refused)" if keywords(text) & {
            "INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE"} else ""
        raise SparqlError(f"not a SPARQL query{hint}: {redact_all(str(err))}") from None
    except (RuntimeError, OSError, ValueError) as err:
        raise SparqlError(f"the query failed: {redact_all(str(err))}") from None


# -- Cypher ----------------------------------------------------------------------------------------
READ_PROCEDURES = Path(__file__).resolve().parent / "cypher-read-procedures.txt"
WRITES_REFUSED = ("`policykg cypher` only reads: CREATE, MERGE, SET, DELETE and other writes are refused. "
                  "To change the graph, rebuild it and run `policykg neo4j load`.")
# Words that open an administration command when a statement starts with them and a name follows
# (SHOW TRANSACTIONS, CREATE USER, USE system …); `CREATE (n)` is a write the server refuses.
_ADMIN = frozenset({"SHOW", "TERMINATE", "CREATE", "DROP", "ALTER", "START", "STOP", "GRANT", "DENY", "REVOKE",
                    "RENAME", "ENABLE", "DEALLOCATE", "REALLOCATE", "DRYRUN", "USE"})
_CYPHER_TOKEN = re.compile("|".join([
    r"(?P<skip>'(?:[^'\\]|\\.)*'", r'"(?:[^"\\]|\\.)*"',  # strings
    r"//[^\n]*", r"/\*.*?(?:\*/|\Z)", r"\$\w+)",  # comments, parameters
    r"(?P<name>`(?:[^`]|``)*`)",  # a quoted name is never a keyword
    r"(?P<word>[A-Za-z_]\w*)", r"(?P<num>\d[\w.]*)", r"(?P<sym>\S)"]), re.S)


class CypherRefused(Exception):
    """An ad-hoc Cypher statement that would do more than read the graph; the message says what."""


@dataclass(frozen=True)
class _Token:
    kind: str  # word, name, num or sym
    text: str  # as written; a quoted name without its backticks
    start: int

    @property
    def key(self) -> str:
        return self.text.upper() if self.kind == "word" else ""


def _cypher_tokens(text: str) -> list[_Token]:
    tokens = []
    for m in _CYPHER_TOKEN.finditer(text):
        kind = m.lastgroup or "skip"
        if kind != "skip":
            value = m.group()[1:-1].replace("``", "`") if kind == "name" else m.group()
            tokens.append(_Token(kind, value, m.start()))
    return tokens


def _body(tokens: list[_Token], i: int) -> int:
    """The index of the first clause at ``i``, past ``CYPHER`` options (``CYPHER 5 runtime=slotted``)."""
    if i < len(tokens) and tokens[i].key == "CYPHER":
        i += 1
        while i < len(tokens):
            if tokens[i].kind == "num":
                i += 1
            elif i + 1 < len(tokens) and tokens[i + 1].text == "=":
                i += 3
            else:
                break
    return i


def _statement_starts(tokens: list[_Token]) -> Iterator[int]:
    """Where a statement or subquery begins: the start, after ``;``, ``{`` and ``UNION [ALL|DISTINCT]``."""
    follows = [-1]
    for i, token in enumerate(tokens):
        if token.text in ("{", ";"):
            follows.append(i)
        elif token.key == "UNION":
            quantified = i + 1 < len(tokens) and tokens[i + 1].key in ("ALL", "DISTINCT")
            follows.append(i + 1 if quantified else i)
    for i in follows:
        start = _body(tokens, i + 1)
        if start < len(tokens) and tokens[start].key in ("EXPLAIN", "PROFILE"):
            start += 1
        yield start


def _called(tokens: list[_Token]) -> Iterator[str]:
    """The names of the procedures ``CALL`` invokes (not ``CALL { … }`` subqueries)."""
    for i, token in enumerate(tokens):
        if token.key != "CALL":
            continue
        parts, j = [], i + 1
        while j < len(tokens) and tokens[j].kind in ("word", "name"):
            parts.append(tokens[j].text)
            if j + 1 < len(tokens) and tokens[j + 1].text == ".":
                j += 2
            else:
                break
        if parts:
            yield ".".join(parts)


@cache
def _read_patterns() -> tuple[str, ...]:
    lines = READ_PROCEDURES.read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#"))


def read_procedure(name: str) -> bool:
    """Whether ``policykg cypher`` may call procedure ``name`` (listed in ``cypher-read-procedures.txt``).

    >>> read_procedure("db.labels"), read_procedure("db.schema.visualization"), read_procedure("db.clearQueryCaches")
    (True, True, False)
    """
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in _read_patterns())


def _procedure_refused(name: str) -> str:
    return (f"`policykg cypher` only reads: procedure {name} is not one it may call (the read procedures "
            f"are listed in {READ_PROCEDURES.name})")


def cypher_refusal(text: str) -> str | None:
    """Why ``text`` is refused before it reaches the server, or ``None``: administration commands,
    ``LOAD CSV`` and procedures other than read ones, found outside strings and comments.

    >>> print(cypher_refusal("/* hi */ SHOW TRANSACTIONS"))
    `policykg cypher` only reads: SHOW TRANSACTIONS is an administration command
    >>> cypher_refusal("MATCH (start:Task) RETURN 'LOAD CSV' AS s, {show: 1} AS m // TERMINATE") is None
    True
    """
    tokens = _cypher_tokens(text)
    for i in _statement_starts(tokens):
        if i + 1 < len(tokens) and tokens[i].key in _ADMIN and tokens[i + 1].kind in ("word", "name"):
            return (f"`policykg cypher` only reads: {tokens[i].key} {tokens[i + 1].text.upper()} "
                    "is an administration command")
    for before, after in pairwise(tokens):
        if (before.key, after.key) == ("LOAD", "CSV"):
            return "`policykg cypher` only reads the graph: LOAD CSV would read files or URLs"
        if before.key == "TERMINATE" and after.key in ("TRANSACTION", "TRANSACTIONS"):
            return "`policykg cypher` only reads: TERMINATE TRANSACTIONS is an administration command"
    for name in _called(tokens):
        if not read_procedure(name):
            return _procedure_refused(name)
    return None


def _operators(plan: dict[str, Any]) -> Iterator[tuple[str, str]]:
    yield plan.get("operatorType", "").split("@")[0], str(plan.get("args", {}).get("Details") or "")
    for child in plan.get("children", []):
        yield from _operators(child)


def refusal_in_plan(query_type: str, plan: dict[str, Any], modes: dict[str, str]) -> str | None:
    """Why the server's plan of a query is refused, or ``None``: ``query_type`` is not ``r``, or
    an operator reads files (LoadCSV), administers (Show…, Terminate…, commands) or calls a
    procedure that is not a read one (``modes``: procedure name → the mode the server reports).

    >>> plan = {"operatorType": "ProduceResults@neo4j", "children": [
    ...     {"operatorType": "ProcedureCall@neo4j", "args": {"Details": "db.labels() :: (label :: STRING)"}}]}
    >>> refusal_in_plan("r", plan, {"db.labels": "READ"}) is None, refusal_in_plan("r", plan, {}) is None
    (True, False)
    """
    for operator, details in _operators(plan):
        if operator == "LoadCSV":
            return "`policykg cypher` only reads the graph: LOAD CSV would read files or URLs"
        if operator.startswith(("Show", "Terminate")) or operator.endswith("Command"):
            return f"`policykg cypher` only reads: the server plans an administration command ({operator})"
        if operator == "ProcedureCall":
            name = details.split("(", 1)[0].strip()
            if not read_procedure(name) or modes.get(name) != "READ":
                return _procedure_refused(name)
    return None if query_type == "r" else WRITES_REFUSED


def _explained(text: str) -> str:
    """``text`` with ``EXPLAIN`` in front of its first clause (in place of a ``PROFILE``)."""
    tokens = _cypher_tokens(text)
    i = _body(tokens, 0)
    if i >= len(tokens):
        return f"EXPLAIN {text}"
    at = tokens[i].start
    if tokens[i].key == "PROFILE":
        return f"{text[:at]}EXPLAIN{text[at + len('PROFILE'):]}"
    return f"{text[:at]}EXPLAIN {text[at:]}"


def plan_refusal(tx: neo4j.ManagedTransaction | neo4j.Session, text: str, params: dict[str, Any]) -> str | None:
    """Why the server's ``EXPLAIN`` of ``text`` is refused (see :func:`refusal_in_plan`), or ``None``.

    Nothing of ``text`` runs: the server only plans it. Tested against a real Neo4j in
    ``tests/test_neo4j.py``.
    """
    summary = tx.run(_explained(text), params).consume()
    plan = summary.plan or {}
    called = sorted({d.split("(", 1)[0].strip() for op, d in _operators(plan) if op == "ProcedureCall"})
    modes: dict[str, str] = {}
    if called:
        modes = {r["name"]: r["mode"] for r in tx.run(
            "SHOW PROCEDURES YIELD name, mode WHERE name IN $names RETURN name, mode", names=called)}
    return refusal_in_plan(summary.query_type or "", plan, modes)


def run_cypher(driver: neo4j.Driver, text: str, params: dict[str, Any] | None = None, *,
               database: str | None = None, timeout: float | None = None,
               limit: int | None = None) -> tuple[list[str], list[list[Any]]]:
    """Run an analyst's Cypher read-only: its column names and rows (at most ``limit``).

    Three locks, each enough on its own for what it covers: :func:`cypher_refusal` reads
    the text; :func:`plan_refusal` asks the server how it would run it; the query runs in
    a READ transaction, which the server refuses to write in. With ``limit`` the server
    stops after that many rows (they are fetched in batches no larger than ``limit``).
    Raises :class:`CypherRefused`, or the driver's errors.
    """
    refused = cypher_refusal(text)
    if refused:
        raise CypherRefused(refused)
    params = params or {}

    @neo4j.unit_of_work(timeout=timeout)
    def read(tx: neo4j.ManagedTransaction) -> tuple[list[str], list[list[Any]]]:
        refused = plan_refusal(tx, text, params)
        if refused:
            raise CypherRefused(refused)
        result = tx.run(text, params)
        keys = list(result.keys())
        rows = [list(record.values()) for record in islice(result, limit)]
        result.consume()  # discards the rest: the server computes no more rows
        return keys, rows

    fetch_size = min(limit, 1000) if limit else 1000
    with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS, fetch_size=fetch_size) as session:
        return session.execute_read(read)
