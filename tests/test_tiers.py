"""The test tiers: `make check` leaves out every marker that says a test needs more than Python."""

from __future__ import annotations

import ast
import configparser
import re

from conftest import FIXTURE_MARKERS, ROOT


def _declared_markers() -> set[str]:
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    lines = config["tool:pytest"]["markers"].strip().splitlines()
    return {line.split(":", 1)[0].strip() for line in lines if line.strip()}


def test_make_check_leaves_out_every_declared_tier_marker() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    fast = re.search(r"^FAST_TIER\s*=\s*(.+)$", makefile, re.MULTILINE)
    assert fast, "Makefile: FAST_TIER, the marker expression `make check` runs, is missing"
    left_out = set(re.findall(r"not (\w+)", fast.group(1)))
    assert left_out == _declared_markers(), (
        f"Makefile FAST_TIER leaves out {sorted(left_out)}; setup.cfg [tool:pytest] declares "
        f"{sorted(_declared_markers())}: a marker `make check` does not leave out is not a tier")
    assert '-m "$(FAST_TIER)"' in makefile


def test_fixtures_mark_their_tests_with_a_declared_marker() -> None:
    assert set(FIXTURE_MARKERS.values()) <= _declared_markers()


# The programs a fixture can start, by the helper class that starts them, and the marker that says so.
STARTERS = {"Neo4jServer": "neo4j"}


def _fixtures_starting(helper: str) -> dict[str, str]:
    """Fixture name -> test file, for every fixture whose body constructs ``helper``."""
    found = {}
    for path in sorted((ROOT / "tests").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module_marks = any(isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "pytestmark"
                                                                for t in node.targets) for node in tree.body)
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef) or module_marks:
                continue
            is_fixture = any("fixture" in ast.unparse(d) for d in node.decorator_list)
            calls = {ast.unparse(c.func) for c in ast.walk(node) if isinstance(c, ast.Call)}
            if is_fixture and helper in calls:
                found[node.name] = path.name
    return found


def test_every_fixture_that_starts_a_server_marks_its_tests() -> None:
    """A fixture of one module starting Neo4j put a JVM into `make check` (20 s) before it was listed."""
    for helper, marker in STARTERS.items():
        starting = _fixtures_starting(helper)
        assert starting, f"no fixture constructs {helper}: STARTERS is out of date"
        unmarked = {name: file for name, file in starting.items() if FIXTURE_MARKERS.get(name) != marker}
        assert not unmarked, (f"fixtures starting {helper} without the `{marker}` marker: {unmarked}; "
                              "add them to FIXTURE_MARKERS in tests/conftest.py")
