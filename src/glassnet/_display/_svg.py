"""Small inline SVG pictures: a loss sparkline and a curve in the unit square.

Plain SVG elements inside the HTML (no matplotlib, no images, no scripts); lines take
their colours from the style sheet's variables, so they follow the notebook's theme.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from glassnet._display._html import esc


def _points(xs: np.ndarray, ys: np.ndarray) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs.tolist(), ys.tolist(), strict=True))


def sparkline(
    lines: Sequence[tuple[str, Any]], label: str, width: int = 180, height: int = 36
) -> str:
    """Draw one or more series over the same epochs, scaled together.

    Parameters
    ----------
    lines : sequence of (name, values)
        Each series (the first solid, in the accent colour; the second dashed);
        non-finite values leave gaps.
    label : str
        What the picture shows, for screen readers and as its tooltip.
    width, height : int
        Size in pixels.

    Returns
    -------
    str
        An ``<svg>`` element, or empty text when no series has two finite values.
    """
    series = [(name, np.asarray(values, dtype=float)) for name, values in lines]
    finite = np.concatenate([v[np.isfinite(v)] for _, v in series]) if series else np.array([])
    longest = max((v.size for _, v in series), default=0)
    if finite.size < 2 or longest < 2:
        return ""
    lo, hi = float(finite.min()), float(finite.max())
    span = hi - lo or 1.0
    pad = 3.0
    parts = []
    for k, (_, values) in enumerate(series):
        xs = pad + (width - 2 * pad) * np.arange(values.size) / (longest - 1)
        ys = pad + (height - 2 * pad) * (hi - values) / span
        ok = np.isfinite(ys)
        # Colours through style=, as var() is not read in SVG presentation attributes.
        colour = "var(--gn-accent)" if k == 0 else "var(--gn-second)"
        style = f'style="stroke: {colour}"'
        dash = ' stroke-dasharray="3 2"' if k else ""
        # One polyline per run of finite values, so a NaN leaves a gap.
        breaks = np.flatnonzero(np.diff(ok.astype(int)) != 0) + 1
        for run in np.split(np.arange(values.size), breaks):
            if run.size and ok[run[0]]:
                parts.append(
                    f'<polyline fill="none" {style}{dash} stroke-width="1.6" '
                    f'points="{_points(xs[run], ys[run])}"/>'
                )
    return (
        f'<svg class="gn-spark" role="img" aria-label="{esc(label)}" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}"><title>{esc(label)}</title>'
        + "".join(parts)
        + "</svg>"
    )


def unit_curve(
    x: Any,
    y: Any,
    label: str,
    x_name: str,
    y_name: str,
    reference: tuple[tuple[float, float], tuple[float, float]] | None = None,
    size: int = 170,
) -> str:
    """Draw a curve in the unit square with axes named, e.g. ROC or precision-recall.

    Parameters
    ----------
    x, y : array-like
        The curve's points, both in [0, 1].
    label : str
        What the picture shows, for screen readers and as its tooltip.
    x_name, y_name : str
        The axes' names.
    reference : ((x0, y0), (x1, y1)), optional
        A dashed line for comparison (the chance diagonal, the no-skill level).
    size : int
        Side of the square in pixels.

    Returns
    -------
    str
        An ``<svg>`` element.
    """
    left, bottom, pad = 28, 26, 6
    side = size - left - pad
    total_w, total_h = size, side + pad + bottom
    xs = left + side * np.clip(np.asarray(x, dtype=float), 0, 1)
    ys = pad + side * (1 - np.clip(np.asarray(y, dtype=float), 0, 1))
    keep = np.isfinite(xs) & np.isfinite(ys)
    parts = [
        f'<rect x="{left}" y="{pad}" width="{side}" height="{side}" fill="none" '
        'style="stroke: var(--gn-line)"/>'
    ]
    if reference is not None:
        (x0, y0), (x1, y1) = reference
        parts.append(
            f'<line x1="{left + side * x0:.1f}" y1="{pad + side * (1 - y0):.1f}" '
            f'x2="{left + side * x1:.1f}" y2="{pad + side * (1 - y1):.1f}" '
            'style="stroke: var(--gn-muted)" stroke-dasharray="4 3"/>'
        )
    parts.append(
        '<polyline fill="none" style="stroke: var(--gn-accent)" stroke-width="2" '
        f'points="{_points(xs[keep], ys[keep])}"/>'
    )
    text = 'style="fill: var(--gn-muted)" font-size="10"'
    parts += [
        f'<text x="{left}" y="{pad + side + 12}" {text} text-anchor="middle">0</text>',
        f'<text x="{left + side}" y="{pad + side + 12}" {text} text-anchor="middle">1</text>',
        f'<text x="{left - 4}" y="{pad + 4}" {text} text-anchor="end">1</text>',
        f'<text x="{left + side / 2:.1f}" y="{pad + side + 23}" {text} '
        f'text-anchor="middle">{esc(x_name)}</text>',
        f'<text x="{left - 8}" y="{pad + side / 2:.1f}" {text} text-anchor="middle" '
        f'transform="rotate(-90 {left - 8} {pad + side / 2:.1f})">{esc(y_name)}</text>',
    ]
    return (
        f'<svg role="img" aria-label="{esc(label)}" width="{total_w}" height="{total_h}" '
        f'viewBox="0 0 {total_w} {total_h}"><title>{esc(label)}</title>' + "".join(parts) + "</svg>"
    )
