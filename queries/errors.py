"""The error a canned query is asked for wrongly with — one class, raised from the runner and the shared steps.

>>> str(QueryError("no canned query called 'x'"))
"no canned query called 'x'"
"""


class QueryError(Exception):
    """A canned query was asked for wrongly: unknown name, missing or unknown parameter, a name that names nothing."""
