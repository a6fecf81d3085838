"""Ad-hoc SPARQL over the embedded store: prefixes predeclared, parameters bound, read-only.

``SELECT`` gives rows, ``ASK`` a boolean, ``CONSTRUCT``/``DESCRIBE`` Turtle. The store is
opened read-only and only queries are accepted (SPARQL Update is a different language
that :meth:`pyoxigraph.Store.query` refuses), so nothing here can change the graph.
The default graph is the union of the store's named graphs; ``GRAPH ?g { … }`` reads
them one by one (``?g`` is the document's graph, see :mod:`policykg.graph.vocab`).

>>> "PREFIX eli: <http://data.europa.eu/eli/ontology#>" in with_prefixes("SELECT * { ?d eli:title ?t }")
True
>>> with_prefixes("PREFIX pkg: <urn:x#> SELECT * {}").count("PREFIX pkg:")
1
>>> compact("https://w3id.org/policykg/ontology#Task"), compact("urn:x")
('pkg:Task', 'urn:x')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from policykg.graph.endpoint import bind_values
from policykg.graph.vocab import PREFIXES
from policykg.queries.runner import python_value

_BY_LENGTH = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))
_LOCAL = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")


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


def parameter(value: str) -> ox.NamedNode | ox.Literal:
    """A ``-p KEY VALUE`` value as a term: ``<IRI>`` is an IRI, anything else a string literal.

    >>> parameter("<https://w3id.org/policykg/id/x>"), parameter("县卫健局")
    (<NamedNode value=https://w3id.org/policykg/id/x>, <Literal value=县卫健局 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#string>>)
    """
    if value.startswith("<") and value.endswith(">"):
        return ox.NamedNode(value[1:-1])
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


def run_sparql(rdf: ox.Store, text: str, params: dict[str, str] | None = None, *,
               short_iris: bool = False) -> Answer:
    """Run one SPARQL query on the store (default graph: the union of its graphs).

    ``short_iris`` writes IRIs as ``pkg:Task``; parameters are bound (``?KEY``, as a
    ``VALUES`` block opening the ``WHERE`` clause, else by Oxigraph, which then wants
    them in the ``SELECT`` list), their own columns left out of the rows.

    >>> run_sparql(ox.Store(), "SELECT ?x WHERE { BIND(?v AS ?x) }", {"v": "县"}).rows
    [{'x': '县'}]
    """
    params = params or {}
    subs: dict[ox.Variable, ox.NamedNode | ox.Literal] = {}
    if params and re.search(r"\bWHERE\s*\{", text, re.IGNORECASE):
        text = bind_values(text, {k: parameter(v) for k, v in params.items()})
    else:
        subs = {ox.Variable(k): parameter(v) for k, v in params.items()}
    try:
        result = rdf.query(with_prefixes(text), substitutions=subs, use_default_graph_as_union=True)
    except SyntaxError as err:
        hint = " (policykg sparql only reads: updates are refused)" if re.search(
            r"\b(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE)\b", text, re.IGNORECASE) else ""
        raise SparqlError(f"not a SPARQL query{hint}: {err}") from None
    except (RuntimeError, OSError) as err:
        raise SparqlError(f"the query failed: {err}") from None
    if isinstance(result, (bool, ox.QueryBoolean)):
        return Answer("boolean", boolean=bool(result))
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables if v.value not in params]
        rows = [{n: _value(sol[n], short_iris) for n in names} for sol in result]
        return Answer("rows", rows=rows)
    data = ox.serialize(result, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    return Answer("graph", turtle=data.decode("utf-8"))
