"""Charts drawn by the server as inline SVG: nothing loaded from elsewhere, no script.

Only presentation attributes are used (the pages' Content-Security-Policy allows no
inline style), and every text from a team is escaped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape

from markupsafe import Markup

_BLUE, _ORANGE, _GREY = "#1f6fb2", "#d9822b", "#888888"


@dataclass(frozen=True)
class Point:
    """One submission on the score-over-time chart."""

    at: datetime
    score: float
    late: bool = False


def _scale(value: float, low: float, high: float, start: float, end: float) -> float:
    """Map `value` from [low, high] onto [start, end] (the middle when low == high)."""
    if high == low:
        return (start + end) / 2
    return start + (value - low) / (high - low) * (end - start)


def score_over_time(points: list[Point], greater_is_better: bool, digits: int) -> Markup:
    """Draw a team's public scores over time: a dot per submission, a line for its best.

    Parameters
    ----------
    points : list of Point
        The team's submissions, oldest first; late ones are drawn apart (orange).
    greater_is_better : bool
        Which way "best so far" runs.
    digits : int
        Decimals of the axis labels.

    Returns
    -------
    markupsafe.Markup
        An ``<svg>`` element (empty text without points).
    """
    if not points:
        return Markup("")
    width, height, left, right, top, bottom = 640, 220, 64, 16, 12, 36
    times = [p.at.timestamp() for p in points]
    scores = [p.score for p in points]
    t0, t1, s0, s1 = min(times), max(times), min(scores), max(scores)

    def xy(p: Point) -> tuple[float, float]:
        x = _scale(p.at.timestamp(), t0, t1, left, width - right)
        y = _scale(p.score, s0, s1, height - bottom, top)
        return round(x, 1), round(y, 1)

    best: list[str] = []
    running: float | None = None
    for p in points:
        if p.late:
            continue
        better = running is None or (p.score > running if greater_is_better else p.score < running)
        running = p.score if better else running
        x, y = xy(Point(p.at, running))
        best.append(f"{x},{y}")
    parts = [
        f'<svg class="chart" id="score-chart" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="public score of each submission over time">',
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}" '
        f'stroke="{_GREY}"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{height - bottom}" stroke="{_GREY}"/>',
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end" font-size="11">'
        f"{s1:.{digits}f}</text>",
        f'<text x="{left - 6}" y="{height - bottom}" text-anchor="end" font-size="11">'
        f"{s0:.{digits}f}</text>",
        f'<text x="{left}" y="{height - 12}" font-size="11">{points[0].at:%Y-%m-%d %H:%M}</text>',
        f'<text x="{width - right}" y="{height - 12}" text-anchor="end" font-size="11">'
        f"{points[-1].at:%Y-%m-%d %H:%M} UTC</text>",
    ]
    if len(best) > 1:
        parts.append(
            f'<polyline points="{" ".join(best)}" fill="none" stroke="{_BLUE}" stroke-width="2"/>'
        )
    for p in points:
        x, y = xy(p)
        colour = _ORANGE if p.late else _BLUE
        kind = "late " if p.late else ""
        parts.append(
            f'<circle cx="{x}" cy="{y}" r="4" fill="{colour}" class="{kind}point">'
            f"<title>{escape(kind)}{p.at:%Y-%m-%d %H:%M} UTC: {p.score:.{digits}f}</title></circle>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


@dataclass(frozen=True)
class Move:
    """One team's public and private rank, for the shake-up chart."""

    team: str
    public_rank: int
    private_rank: int


def shake_up(moves: list[Move]) -> Markup:
    """Draw the shake-up: each team's line from its public rank to its private rank.

    A line going up is a team that rose on the private rows; teams are named on both
    sides (escaped). Returns an ``<svg>`` element, or empty text without teams.
    """
    if not moves:
        return Markup("")
    step, top, label = 22, 24, 190
    ranks = max(max(m.public_rank, m.private_rank) for m in moves)
    width, height = 2 * label + 220, top + step * ranks + 8
    x0, x1 = label, width - label
    parts = [
        f'<svg class="chart" id="shake-up-chart" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="public rank to private rank of each team">',
        f'<text x="{x0}" y="14" text-anchor="middle" font-size="12">public rank</text>',
        f'<text x="{x1}" y="14" text-anchor="middle" font-size="12">private rank</text>',
    ]
    for m in moves:
        y0 = top + step * (m.public_rank - 1) + step / 2
        y1 = top + step * (m.private_rank - 1) + step / 2
        colour = _BLUE if m.private_rank < m.public_rank else _ORANGE if y1 > y0 else _GREY
        name = escape(m.team)
        parts.append(
            f'<g class="move" data-team="{name}"><title>{name}: public {m.public_rank}, '
            f"private {m.private_rank}</title>"
            f'<line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y1}" stroke="{colour}" stroke-width="2"/>'
            f'<circle cx="{x0}" cy="{y0}" r="3" fill="{colour}"/>'
            f'<circle cx="{x1}" cy="{y1}" r="3" fill="{colour}"/>'
            f'<text x="{x0 - 8}" y="{y0 + 4}" text-anchor="end" font-size="11">'
            f"{m.public_rank}. {name}</text>"
            f'<text x="{x1 + 8}" y="{y1 + 4}" font-size="11">{m.private_rank}. {name}</text></g>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
