"""Imported once by the fork server that extraction workers are forked from (:mod:`policykg.graph.pool`).

Importing this module extracts one tiny document, so that what every document needs and the
loaders read lazily (lexicons, gazetteers, compiled patterns) is loaded once, in the server,
before it forks: each worker starts with it in memory it shares with the server, instead of
spending ~0.35 s of CPU loading it again. A build of a few documents is mostly that set-up
(the test suite makes a hundred such builds); a build of thousands is not, but loses nothing.

>>> from policykg.loaders import preload
>>> task = preload.WARMED.tasks[0]
>>> [u.text for u in task.leads], [p.name for p in task.persons], [p.name for p in task.places]
(['县民政局'], ['张三'], ['花鸟岛'])
"""

from __future__ import annotations

from pathlib import Path

from policykg.loaders.workers import extract_in_worker

# Every stage a document goes through: an outline, a task, a lead agency, a person, a place.
_TINY = "某县方案\n\n二、主要任务\n\n1.推进工作，涉及嵊泗县花鸟岛。(牵头单位:县民政局;责任人:张三)\n"
WARMED = extract_in_worker(_TINY.encode(), Path("preload.txt"))
