"""Comparing what two readings of one document state: the facts as sets, and their F1 (tests only)."""

from __future__ import annotations

from collections.abc import Iterable

from gold import norm

from policykg.loaders.model import ExtractedDocument

KINDS = ("tasks", "agencies", "roles", "indicator_cells", "projects")


def facts(doc: ExtractedDocument) -> dict[str, set[tuple]]:
    """What a document states, as comparable sets."""
    out: dict[str, set[tuple]] = {k: set() for k in KINDS}
    for t in doc.tasks:
        out["tasks"].add((t.part, t.number, norm(t.title)))
        for role in ("leads", "inherited_leads", "participants", "responsible"):
            for u in getattr(t, role):
                out["roles"].add((t.part, t.number, role, norm(u.text)))
                out["agencies"].add((norm(u.text),))
        for p in t.persons:
            out["roles"].add((t.part, t.number, "person", norm(p.name)))
    for d in doc.domains:
        out["agencies"].update((norm(u.text),) for u in d.leads)
    for ind in doc.indicators:
        if ind.lead:
            out["agencies"].add((norm(ind.lead.text),))
        for v in ind.values:
            out["indicator_cells"].add((ind.part, ind.number, norm(ind.name), v.period, norm(v.raw)))
    for p in doc.projects:
        out["projects"].add((p.part, p.number, norm(p.name), p.investment_yi_yuan))
        out["agencies"].update((norm(u.text),) for u in p.responsible)
    return out


def pooled_f1(pairs: Iterable[tuple[set[tuple], set[tuple]]]) -> float:
    """F1 of found against expected facts, counted over all (expected, found) pairs together.

    >>> pooled_f1([({(1,), (2,)}, {(1,)}), (set(), set())])
    0.6666666666666666
    """
    tp = got = want = 0
    for expected, found in pairs:
        tp += len(expected & found)
        got += len(found)
        want += len(expected)
    return 1.0 if not want and not got else 2 * tp / (got + want)
