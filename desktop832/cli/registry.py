"""Registry of feature sub-commands (letter, export, verify, import-orders, ...).

A feature module that offers sub-commands defines ``COMMANDS: list[Command]`` and is named in
``MODULES``. Such a module must stay light to import: heavy imports go inside the handlers.
"""

from __future__ import annotations

import dataclasses
import importlib
from typing import Callable

MODULES: list[str] = ["desktop832.cli.letter", "desktop832.cli.exchange"]


@dataclasses.dataclass(frozen=True)
class Command:
    name: str
    help: str
    add_arguments: Callable  # (argparse.ArgumentParser) -> None
    handler: Callable  # (argparse.Namespace) -> int


def extra_commands() -> dict[str, Command]:
    found: dict[str, Command] = {}
    for module in MODULES:
        for command in importlib.import_module(module).COMMANDS:
            found[command.name] = command
    return found
