"""The test tiers: `make check` leaves out every marker that says a test needs more than Python."""

from __future__ import annotations

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
