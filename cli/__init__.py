"""The ``policykg`` command line: a thin layer over the Python API.

Every command works on the embedded store (``--store DIR``, default ``$POLICYKG_STORE``
or ``./policykg-data``); no server is needed.  Each command lives in its own module
and registers itself on :data:`main` when imported here.
"""

from policykg.cli import (  # noqa: F401 - registers the commands
    build_cmd,
    cypher_cmd,
    export_cmd,
    neo4j_cmd,
    query_cmd,
    schema_cmd,
    sparql_cmd,
    validate_cmd,
    viz_cmd,
)
from policykg.cli.app import main

__all__ = ["main"]
