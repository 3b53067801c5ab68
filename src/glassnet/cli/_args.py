"""Options that take several values after one flag: ``--hidden 16 8``, ``--drop A B``.

Click (under Typer) gives an option one value per flag (``--hidden 16 --hidden 8``).
The course writes ``--hidden 16 8``, so the command group rewrites the arguments
before Click parses them: the words after such a flag, up to the next flag, become
one ``--flag word`` each. ``--hidden`` takes only whole numbers (so a file name after
it is never swallowed); ``--drop`` and ``--fill-missing`` stop at a word ending in
``.csv``.
"""

from __future__ import annotations

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
    out: list[str] = []
    flag = None
    for word in args:
        if word == "--":
            flag = None
        elif word.startswith("-"):
            flag = word if word in MULTI_VALUE else None
            out.append(word)
            continue
        elif flag is not None and out[-1] != flag and MULTI_VALUE[flag](word):
            out.append(flag)  # a further value of the same flag
        elif flag is not None and out[-1] != flag:
            flag = None
        out.append(word)
    return out


class MultiValueGroup(TyperGroup):
    """The ``glassnet`` command group, reading ``--hidden 16 8`` as the course writes it."""

    def main(self, args: Sequence[str] | None = None, *rest: Any, **kwargs: Any) -> Any:
        import sys

        words = list(sys.argv[1:] if args is None else args)
        return super().main(expand(words), *rest, **kwargs)
