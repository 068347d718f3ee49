"""Events a day for the timeline's histogram, honest about uncertain dates.

An event known only to the week or the month is not piled on one day: its
weight of one is spread evenly over the days it may have happened on (its
date window, as the filters use it), so a month-precision event adds 1/31 to
each day of March rather than a spike on the 1st.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

from geo.events import date_windows

EXACT = "to the day"
SPREAD = "week/month, spread"


def daily_counts(events: pd.DataFrame) -> pd.DataFrame:
    """One row per calendar day from the first possible day to the last: exact and spread."""
    dated = events[events["event_date"].notna()]
    if dated.empty:
        return pd.DataFrame({EXACT: [], SPREAD: []}, index=pd.DatetimeIndex([]).date)
    first, last = date_windows(dated)
    start = first.min().normalize()
    days = pd.date_range(start, last.max().normalize(), freq="D")
    i0 = ((first.dt.normalize() - start).dt.days).to_numpy(np.int64)
    i1 = ((last.dt.normalize() - start).dt.days).to_numpy(np.int64)
    exact = i0 == i1
    counts = np.bincount(i0[exact], minlength=len(days)).astype(np.float64)
    # Spread the rest with a difference array: +w where a window opens, -w after it closes.
    width = (i1[~exact] - i0[~exact] + 1).astype(np.float64)
    steps = np.zeros(len(days) + 1)
    np.add.at(steps, i0[~exact], 1.0 / width)
    np.add.at(steps, i1[~exact] + 1, -1.0 / width)
    spread = np.cumsum(steps)[:-1]
    return pd.DataFrame({EXACT: counts, SPREAD: spread.round(3)}, index=days.date)


COLOURS = {EXACT: "#1f4e79", SPREAD: "#9ecae1"}
"""Dark for dates known to the day, light for spread ones (as on the map: faint = uncertain)."""


def histogram_svg(per_day: pd.DataFrame, *, width: int = 1000, height: int = 110) -> str:
    """Events a day as stacked bars, in plain SVG: exact days below, spread ones above.

    Drawn here rather than by a charting library: it costs the browser next to
    nothing, where Vega-Lite held up the first drawing of the map by about a
    third of a second. Each day's bars carry a tooltip (an SVG title) with both
    counts. Scales to its container's width; only dates and numbers are written.
    """
    left, right, top, bottom = 34, 150, 6, 20
    plot_w, plot_h = width - left - right, height - top - bottom
    exact = per_day[EXACT].to_numpy(np.float64) if len(per_day) else np.zeros(0)
    spread = per_day[SPREAD].to_numpy(np.float64) if len(per_day) else np.zeros(0)
    peak = float((exact + spread).max()) if len(per_day) else 0.0
    scale = plot_h / _nice_ceiling(peak)
    step = plot_w / max(len(per_day), 1)
    bar = max(step * 0.8, 0.6)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        'role="img" aria-label="Events a day" class="nm-histogram" '
        'style="font: 12px sans-serif; fill: #555">'
    ]
    for tick in (0.0, _nice_ceiling(peak) / 2, _nice_ceiling(peak)):
        y = top + plot_h - tick * scale
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e6e6e6"/>'
            f'<text x="{left - 4}" y="{y + 3:.1f}" text-anchor="end">{_number(tick)}</text>'
        )
    for i, day in enumerate(per_day.index):
        if not exact[i] and not spread[i]:
            continue
        x = left + i * step + (step - bar) / 2
        low, high = exact[i] * scale, spread[i] * scale
        base = top + plot_h
        tip = f"{_day(day)}: {_number(exact[i])} {EXACT}, {_number(spread[i])} {SPREAD}"
        parts.append(f'<g class="nm-day"><title>{html.escape(tip)}</title>')
        if low:
            parts.append(_rect(x, base - low, bar, low, COLOURS[EXACT]))
        if high:
            parts.append(_rect(x, base - low - high, bar, high, COLOURS[SPREAD]))
        parts.append("</g>")
    for i in _label_positions(len(per_day)):
        x = left + (i + 0.5) * step
        anchor = "start" if i == 0 else "end" if i == len(per_day) - 1 else "middle"
        parts.append(
            f'<text x="{x:.1f}" y="{height - 5}" text-anchor="{anchor}">'
            f"{_day(per_day.index[i])}</text>"
        )
    for row, (kind, colour) in enumerate(COLOURS.items()):
        y = top + 10 + row * 16
        parts.append(
            f'<rect x="{width - right + 14}" y="{y - 8}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{width - right + 28}" y="{y + 1}">{html.escape(kind)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _rect(x: float, y: float, w: float, h: float, colour: str) -> str:
    return f'<rect x="{x:.2f}" y="{y:.2f}" width="{w:.2f}" height="{h:.2f}" fill="{colour}"/>'


def _nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 5 × 10^k at or above ``value`` (at least 1)."""
    if value <= 1:
        return 1.0
    magnitude = 10 ** np.floor(np.log10(value))
    for multiple in (1, 2, 5, 10):
        if multiple * magnitude >= value:
            return float(multiple * magnitude)
    return float(10 * magnitude)


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0")


def _day(day: object) -> str:
    stamp = pd.Timestamp(day)  # type: ignore[arg-type]
    return f"{stamp.day} {stamp:%b %Y}"


def _label_positions(days: int, most: int = 6) -> list[int]:
    """Up to ``most`` evenly spaced day indexes to label, first and last included."""
    if days <= 0:
        return []
    if days <= most:
        return list(range(days))
    return sorted({round(k * (days - 1) / (most - 1)) for k in range(most)})
