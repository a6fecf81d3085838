"""The ``policykg`` command line: a thin layer over the Python API.

Every command works on the embedded store (``--store DIR``, default ``$POLICYKG_STORE``
or ``./policykg-data``); no server is needed.  Each command lives in its own module
and registers itself on :data:`main` when imported here.
"""

from policykg.cli import build_cmd, export_cmd, query_cmd, viz_cmd  # noqa: F401 - registers the commands
from policykg.cli.app import main

__all__ = ["main"]
