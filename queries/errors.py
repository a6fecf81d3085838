"""The error a canned query raises when it is asked for wrongly (shared by the runner and name lookup)."""

from __future__ import annotations


class QueryError(Exception):
    """A canned query was asked for wrongly: unknown name, missing or unknown parameter, a name that matches nothing.

    >>> str(QueryError("no canned query called 'x'"))
    "no canned query called 'x'"
    """
