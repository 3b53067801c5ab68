"""Options that take several values after one flag: ``--hidden 16 8``, ``--drop A B``.

Click (under Typer) gives an option one value per flag (``--hidden 16 --hidden 8``).
The course writes ``--hidden 16 8``, so the command group rewrites the arguments
before Click parses them: the words after such a flag, up to the next flag, become
one ``--flag word`` each. ``--hidden`` takes only whole numbers (so a file name after
it is never swallowed), also written as scikit-learn writes them (``16,8`` or
``"(16, 8)"``); ``--drop`` and ``--fill-missing`` stop at a word ending in ``.csv``;
``glassnet train --activation relu tanh`` takes activation names.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from typer.core import TyperGroup


def _is_int(word: str) -> bool:
    return word.isdigit()


def _not_a_file(word: str) -> bool:
    return not word.lower().endswith(".csv")


def _is_number(word: str) -> bool:
    try:
        float(word)
    except ValueError:
        return False
    return True


def _is_name(word: str) -> bool:
    # An activation's name: lower-case letters and underscores, never a file name.
    return re.fullmatch(r"[a-z][a-z_]*", word) is not None


def _is_class_weight(word: str) -> bool:
    return word == "balanced" or ("=" in word and not word.startswith("-"))


# 16,8 or (16, 8) or [16, 8], and the pieces a shell makes of them (16, and 8).
_LAYER_TUPLE = re.compile(r"[\s(\[]*\d+(\s*,\s*\d+)*\s*,?[\s)\]]*")


def _layer_sizes(word: str) -> list[str]:
    """Split ``16,8`` or ``(16, 8)`` into ``["16", "8"]``; other words stay as they are."""
    if word.isdigit() or not _LAYER_TUPLE.fullmatch(word):
        return [word]
    return re.findall(r"\d+", word)


MULTI_VALUE: dict[str, Callable[[str], bool]] = {
    "--hidden": _is_int,
    "--drop": _not_a_file,
    "--fill-missing": _not_a_file,
    "--members": _not_a_file,
    # glassnet sweep's grid: --noise 0.05 0.1 --samples 200 1000 --test-size 0.2 0.3
    "--noise": _is_number,
    "--samples": _is_number,
    "--test-size": _is_number,
}
# Multi-value only in one command: search's --activation takes one name.
COMMAND_MULTI_VALUE: dict[str, dict[str, Callable[[str], bool]]] = {
    "train": {"--activation": _is_name, "--class-weight": _is_class_weight},
}


def expand(args: Sequence[str]) -> list[str]:
    """Rewrite ``--flag a b`` as ``--flag a --flag b`` for the multi-value flags.

    Parameters
    ----------
    args : sequence of str
        Command-line words after the program name.

    Returns
    -------
    list of str
    """
    command = next((word for word in args if not word.startswith("-")), None)
    multi = {**MULTI_VALUE, **COMMAND_MULTI_VALUE.get(command or "", {})}
    words = _split_layer_sizes(args)
    out: list[str] = []
    flag = None
    for word in words:
        if word == "--":
            flag = None
        elif word.startswith("-"):
            flag = word if word in multi else None
            out.append(word)
            continue
        elif flag is not None and out[-1] != flag and multi[flag](word):
            out.append(flag)  # a further value of the same flag
        elif flag is not None and out[-1] != flag:
            flag = None
        out.append(word)
    return out


def _split_layer_sizes(args: Sequence[str]) -> list[str]:
    """Read ``--hidden 16,8``, ``--hidden=16,8`` and ``--hidden "(16, 8)"`` as ``16 8``."""
    words: list[str] = []
    in_hidden = False
    for word in args:
        if word.startswith("--hidden="):
            words += ["--hidden", *_layer_sizes(word.partition("=")[2])]
            in_hidden = True
            continue
        if word.startswith("-") and not word.lstrip("-").isdigit():
            in_hidden = word == "--hidden"
            words.append(word)
        elif in_hidden:
            words += _layer_sizes(word)
        else:
            words.append(word)
    return words


class MultiValueGroup(TyperGroup):
    """The ``glassnet`` command group, reading ``--hidden 16 8`` as the course writes it."""

    def main(self, args: Sequence[str] | None = None, *rest: Any, **kwargs: Any) -> Any:
        import sys

        words = list(sys.argv[1:] if args is None else args)
        return super().main(expand(words), *rest, **kwargs)
