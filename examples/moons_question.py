"""The course's moons question: how small can the network be, for which data.

How small a network solves the two moons, and how does the answer change with the
noise and the number of samples? Run it (a few minutes on two cores; the sweep
resumes where it stopped)::

    python examples/moons_question.py --out docs/images

It prints the smallest network for the two moons with noise 0.1 and 1000 samples, then
sweeps noise x sample size (results streamed to ``moons_sweep.csv``; re-running resumes)
and saves the plots.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from sklearn.datasets import make_moons

from glassnet.experiments import smallest_network, sweep


def main() -> None:
    """Answer the question once, then over a grid, and save the pictures."""
    import matplotlib

    matplotlib.use("Agg")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("pictures"), help="where to save PNGs")
    parser.add_argument("--csv", type=Path, default=Path("moons_sweep.csv"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    X, y = make_moons(1000, noise=0.1, random_state=0)
    answer = smallest_network(X, y, target=0.97, seeds=10, n_jobs=2)
    print(answer, end="\n\n")
    answer.plot().figure.savefig(args.out / "smallest_network_moons.png", dpi=80)

    grid = sweep(
        "moons",
        n_samples=(200, 1000, 5000),
        noise=(0.05, 0.1, 0.2, 0.3),
        target=0.9,
        seeds=10,
        out=args.csv,
        n_jobs=2,
    )
    print(grid)
    grid.heatmap("n_parameters").figure.savefig(args.out / "moons_sweep.png", dpi=80)


if __name__ == "__main__":
    main()
