"""Where a command writes: ``-o FILE`` (or a DIRECTORY) and ``--force``, shared by every writing command.

A target that is a symbolic link, directory, device, FIFO or socket is refused; an existing
file is overwritten only when the user says yes at the prompt, or with ``--force`` (with no
terminal to ask on, e.g. in a script, the command stops and says to pass ``--force``).
Errors while writing (full disk, no permission) are messages naming the file.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from policykg.cli.app import fail
from policykg.exports.atomic import OutputError, check_target

force_option = click.option("--force", is_flag=True,
                            help="Overwrite an existing output without asking (scripts need it: nobody to ask).")


def interactive() -> bool:
    """Whether someone can answer a prompt: stdin is a terminal.

    >>> isinstance(interactive(), bool)
    True
    """
    return sys.stdin is not None and sys.stdin.isatty()


def may_overwrite(what: str, force: bool) -> None:
    """Go on if ``force`` or the user confirms overwriting ``what``; else stop with a message.

    >>> may_overwrite("out.xlsx", force=True)
    """
    if force:
        return
    if not interactive():
        fail(f"{what} exists: pass --force to overwrite it")
    click.confirm(f"{what} exists. Overwrite it?", default=False, abort=True, err=True)


def reported(fn: Callable[..., None]) -> Callable[..., None]:
    """Turn an :class:`~policykg.exports.atomic.OutputError` raised by the command into ``error: …``, exit 2.

    >>> @click.command()
    ... @reported
    ... def save() -> None:
    ...     raise OutputError("cannot write out.csv: No space left on device")
    >>> from click.testing import CliRunner
    >>> result = CliRunner().invoke(save)
    >>> result.exit_code, result.output
    (2, 'error: cannot write out.csv: No space left on device\\n')
    """
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            fn(*args, **kwargs)
        except OutputError as err:
            fail(str(err))
    return wrapper


def output_option(help: str | None = None) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """``-o/--output FILE`` (required) and ``--force`` for a command that writes one file.

    The command receives ``output``; the target is checked (and the overwrite confirmed)
    before the command runs, and again when the file is moved into place.

    >>> @click.command()
    ... @output_option(help="FILE.txt")
    ... def save(output: Path) -> None:
    ...     click.echo(f"would write {output}")
    >>> from click.testing import CliRunner
    >>> CliRunner().invoke(save, ["-o", "/dev/null"]).output
    'error: /dev/null is a character device, not a regular file: choose a file name\\n'
    """
    def decorate(fn: Callable[..., None]) -> Callable[..., None]:
        @functools.wraps(fn)
        def wrapper(*args: Any, output: Path, force: bool, **kwargs: Any) -> None:
            if check_target(output):  # an unsafe target raises OutputError, reported below
                may_overwrite(str(output), force)
            fn(*args, output=output, **kwargs)

        command = reported(wrapper)
        command = force_option(command)
        text = "a new or existing regular file (never a link, directory or device); asks before overwriting"
        return click.option("-o", "--output", type=click.Path(path_type=Path), required=True, metavar="FILE",
                            help=f"{help}: {text}" if help else text)(command)
    return decorate
