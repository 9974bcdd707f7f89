"""The one registry of sub-commands (check, dump, load, letter, export, verify, import-orders, report, ...).

A module that offers sub-commands defines ``COMMANDS: list[Command]`` and is named in ``MODULES``.
Such a module must stay light to import (the parser imports them all, for ``--help``): heavy
imports go inside the handlers. Every sub-command also takes the global ``--db`` and ``--demo``.
"""

from __future__ import annotations

import dataclasses
import importlib
from typing import Callable

# in the order ``desktop832 --help`` lists them
MODULES: list[str] = ["desktop832.cli", "desktop832.cli.letter", "desktop832.cli.exchange", "desktop832.cli.report"]


@dataclasses.dataclass(frozen=True)
class Command:
    name: str
    help: str
    add_arguments: Callable  # (argparse.ArgumentParser) -> None
    handler: Callable  # (argparse.Namespace) -> int


def commands() -> dict[str, Command]:
    found: dict[str, Command] = {}
    for module in MODULES:
        for command in importlib.import_module(module).COMMANDS:
            found[command.name] = command
    return found
