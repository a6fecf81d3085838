"""Bare numbered project lists: ``12. 220千伏XX输变电工程`` lines under a 重点项目 heading.

Plans name their key projects one a line, numbered, without a table: under a heading
that says so (三、重点项目, （二）重大建设工程, 附件2 重点项目清单).  Such lines are
projects, not tasks.  A list is read only when every line is a bare name: numbered in
turn from 1 (so the 1 of ``1.220千伏…`` is the number and 220千伏 the name's start),
no sentence punctuation, ending like a project's name and opening with no action verb
(推进, 实施 … are how tasks open).  The words are data (``ontology/project_list_words.csv``).

>>> from policykg.loaders.tabular.table_cells import line_pieces
>>> src = SourceText("三、重点项目\\n1.220千伏城东输变电工程\\n2. 某市第二人民医院迁建项目（一期）\\n四、保障措施")
>>> found = read_project_list(line_pieces(src), 0, src, "body")
>>> [(p.number, p.name, p.span.quote) for p in found.projects], found.end_index
([('1', '220千伏城东输变电工程', '1.220千伏城东输变电工程'), ('2', '某市第二人民医院迁建项目（一期）', \
'2. 某市第二人民医院迁建项目（一期）')], 3)
>>> src = SourceText("三、重点项目\\n1.实施城东输变电工程\\n2.推进医院迁建项目")
>>> read_project_list(line_pieces(src), 0, src, "body") is None
True
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache

from policykg.loaders.model import Project, SourceText
from policykg.loaders.tabular.table_cells import Piece
from policykg.loaders.terms.units import squeeze
from policykg.ontology import data_path

_MIN_ITEMS = 2
_MAX_HEADING = 24  # characters of a heading after its number
_MAX_NAME = 40
# a heading's own number or annex label: 三、 / （二） / 2. / 附件2 / 表3
_HEADING_LABEL = re.compile(r"^(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d]+[)）]|\d{1,2}[.．、]|"
                            r"附件\s*\d*\s*[:：]?|表\s*\d{1,2})\s*")
_SENTENCE = re.compile(r"[。；;，,：:！？!?]")
_TRAILING_BRACKET = re.compile(r"[(（][^()（）]{1,8}[)）]$")


@dataclass
class ProjectList:
    """The projects of one bare list and where it lies."""

    projects: list[Project]
    # the heading stays out: it is still the outline's, and a line after the list still falls under it
    start: int  # offset of its first line
    end: int  # offset after its last line
    end_index: int  # index of the first piece after it


@cache
def _words() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    with data_path("project_list_words.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(line for line in fh if not line.startswith("#")):
            out.setdefault(row["role"].strip(), []).append(row["word"].strip())
    return {role: tuple(words) for role, words in out.items()}


def is_project_heading(text: str) -> bool:
    """A heading over a list of projects: short, no sentence, a project word in it.

    >>> is_project_heading("三、重点项目"), is_project_heading("附件2 重点项目清单"), is_project_heading("二、重点任务")
    (True, True, False)
    >>> is_project_heading("（二）实施重大工程。加快建设一批项目。")
    False
    """
    t = _HEADING_LABEL.sub("", squeeze(text))
    return (0 < len(t) <= _MAX_HEADING and not _SENTENCE.search(t)
            and any(w in t for w in _words()["heading"]))


def is_project_name(text: str) -> bool:
    """A bare project name: no sentence, ends like a project, does not open with an action verb.

    >>> is_project_name("220千伏城东输变电工程"), is_project_name("某市第二人民医院迁建项目（一期）")
    (True, True)
    >>> is_project_name("实施城东输变电工程"), is_project_name("加快建设一批骨干工程。"), is_project_name("城东")
    (False, False, False)
    """
    t = squeeze(text)
    core = _TRAILING_BRACKET.sub("", t)
    return (0 < len(t) <= _MAX_NAME and not _SENTENCE.search(t)
            and core.endswith(_words()["ending"]) and not t.startswith(_words()["verb"]))


def _item(piece: Piece, number: int) -> tuple[int, str] | None:
    """(offset of the name in the line, the name) when ``piece`` is item ``number`` of a list."""
    m = re.match(rf"^\s*{number}\s*[.．、]\s*", piece.text)
    if m is None:
        return None
    name = piece.text[m.end() :].strip()
    return (m.end(), name) if is_project_name(name) else None


def read_project_list(pieces: list[Piece], i: int, src: SourceText, part: str) -> ProjectList | None:
    """The bare project list whose heading is ``pieces[i]``, or ``None``."""
    if i >= len(pieces) or "\t" in pieces[i].text or not is_project_heading(pieces[i].text):
        return None
    projects: list[Project] = []
    j = i + 1
    while j < len(pieces):
        item = _item(pieces[j], len(projects) + 1)
        if item is None:
            break
        projects.append(Project(str(len(projects) + 1), squeeze(item[1]), None,
                                src.span(pieces[j].start, pieces[j].end), part=part))
        j += 1
    if len(projects) < _MIN_ITEMS:
        return None
    return ProjectList(projects, pieces[i + 1].start, pieces[j - 1].end, j)
