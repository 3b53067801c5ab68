"""How long the command line takes to answer: --help, predict and compete submit.

Each command runs in a fresh interpreter, several times; the best time is kept (the
least disturbed by other work on the machine). With ``--compare-src PATH`` the same
commands also run against another checkout's ``src`` folder (an older commit in a git
worktree, say), side by side, with the ratio:

    git worktree add /tmp/before <commit>
    python benchmarks/cli_startup.py --compare-src /tmp/before/src

The predict command needs the course file in ../shared/data (skipped without it).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT.parent / "shared" / "data" / "titanic_train_500_age_passengerclass.csv"


def best_seconds(args: list[str], src: Path, repeats: int, cwd: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(src)}
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "glassnet", *args],
            env=env,
            cwd=cwd,
            capture_output=True,
            check=False,
        )
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare-src", type=Path, help="another checkout's src folder")
    parser.add_argument("--repeats", type=int, default=5)
    options = parser.parse_args()

    work = Path(tempfile.mkdtemp())
    (work / "p.csv").write_text("PassengerId,Survived\n892,0\n")
    commands = {
        "glassnet --help": ["--help"],
        "glassnet train --help": ["train", "--help"],
        # Port 9 (discard) is closed: submit reads its file, fails to connect, says so.
        "glassnet compete submit (no server)": [
            *("compete", "submit", "p.csv", "--server", "http://127.0.0.1:9", "--token", "t"),
        ],
    }
    if COURSE.is_file():
        subprocess.run(
            [
                *(sys.executable, "-m", "glassnet", "train", str(COURSE), "-t", "Survived"),
                *("--drop", "PassengerId", "--max-iter", "20", "--quiet", "--out", "m.glassnet"),
            ],
            env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
            cwd=work,
            check=True,
        )
        commands["glassnet predict (500 rows)"] = ["predict", "m.glassnet", str(COURSE)]
    else:
        print(f"predict skipped: {COURSE} not found")

    sources = {"this checkout": ROOT / "src"}
    if options.compare_src:
        sources = {"compared": options.compare_src.resolve(), **sources}
    header = f"{'command':40s}" + "".join(f"{name:>16s}" for name in sources)
    print(header + ("      ratio" if len(sources) == 2 else ""))
    for name, args in commands.items():
        seconds = [best_seconds(args, src, options.repeats, work) for src in sources.values()]
        line = f"{name:40s}" + "".join(f"{s:15.2f}s" for s in seconds)
        if len(seconds) == 2:
            line += f"  {seconds[0] / seconds[1]:8.1f}x"
        print(line)


if __name__ == "__main__":
    main()
