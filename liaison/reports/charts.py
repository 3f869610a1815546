"""Charts as inline SVG, drawn on the server (no JavaScript, no external fonts or CDNs).

Each bar may carry a link (``href``) to the records behind it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

FONT = "DejaVu Sans, Noto Sans, Noto Sans Lao, sans-serif"
BAR = "#2563a6"
BAR_ALT = "#c0392b"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    href: str = ""
    title: str = ""


#: How a chart writes its values: callers pass one in the reader's language.
Fmt = Callable[[float], str]


def _fmt(value: float) -> str:
    if value >= 100 or value == int(value):
        return f"{value:,.0f}"
    return f"{value:,.1f}"


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= value:
            return float(step * magnitude)
    return float(10 * magnitude)


def _link(svg: str, href: str, title: str) -> str:
    inner = f"<title>{escape(title)}</title>{svg}" if title else svg
    if not href:
        return f"<g>{inner}</g>"
    return f'<a href="{escape(href)}">{inner}</a>'


def label_step(labels: list[str], slot: float, char_w: float = 6.5) -> int:
    """Show every n-th axis label so that no two labels overlap (``slot`` px per bar)."""
    widest = max((len(label) for label in labels), default=0) * char_w + 8
    return max(1, math.ceil(widest / max(slot, 1)))


def horizontal_bars(
    bars: list[Bar], title: str, width: int = 640, unit: str = "", fmt: Fmt = _fmt
) -> str:
    """One bar per row, label on the left, value at the end of the bar."""
    row, label_w, top = 22, 210, 30
    height = top + row * max(len(bars), 1) + 10
    top_value = _nice_max(max((b.value for b in bars), default=0))
    plot_w = width - label_w - 90
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="{FONT}" font-size="12">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="16" font-weight="bold" font-size="13">{escape(title)}</text>',
    ]
    for i, bar in enumerate(bars):
        y = top + i * row
        w = 0 if top_value == 0 else max(1.0, plot_w * bar.value / top_value)
        label = bar.label if len(bar.label) <= 32 else bar.label[:31] + "…"
        value_text = fmt(bar.value) + (f" {unit}" if unit else "")
        body = (
            f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row - 6}" fill="{BAR}"/>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + 14}">{escape(value_text)}</text>'
        )
        parts.append(_link(body, bar.href, bar.title or f"{bar.label}: {value_text}"))
    parts.append("</svg>")
    return "".join(parts)


def monthly_columns(
    bars: list[Bar], title: str, width: int = 720, height: int = 240, fmt: Fmt = _fmt
) -> str:
    """Columns per month with a value axis; every bar is a link when ``href`` is set."""
    left, bottom, top = 48, 36, 28
    plot_w, plot_h = width - left - 10, height - top - bottom
    n = max(len(bars), 1)
    slot = plot_w / n
    top_value = _nice_max(max((b.value for b in bars), default=0))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="{FONT}" font-size="10">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="16" font-weight="bold" font-size="13">{escape(title)}</text>',
    ]
    for k in range(5):
        value = top_value * k / 4
        y = top + plot_h - plot_h * k / 4
        parts.append(
            f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="{left - 4}" y="{y + 3:.1f}" text-anchor="end">{fmt(value)}</text>'
        )
    every = label_step([b.label for b in bars], slot)
    for i, bar in enumerate(bars):
        h = 0 if top_value == 0 else plot_h * bar.value / top_value
        x = left + i * slot
        body = (
            f'<rect x="{x + slot * 0.1:.1f}" y="{top + plot_h - h:.1f}" '
            f'width="{max(slot * 0.8, 1):.1f}" height="{h:.1f}" fill="{BAR}"/>'
        )
        parts.append(_link(body, bar.href, bar.title or f"{bar.label}: {fmt(bar.value)}"))
        if i % every == 0:
            parts.append(
                f'<text x="{x + slot / 2:.1f}" y="{height - bottom + 14}" '
                f'text-anchor="middle">{escape(bar.label)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


# The PDF draws its charts as HTML boxes, not SVG: WeasyPrint lays out HTML text with Pango,
# which shapes Lao (and every complex script), while its SVG text breaks combining marks apart.


def html_bars(bars: list[Bar], title: str, unit: str = "", fmt: Fmt = _fmt) -> str:
    """Horizontal bars as a table: label, a bar as wide as its share, the value."""
    top_value = _nice_max(max((b.value for b in bars), default=0))
    rows = []
    for bar in bars:
        share = 0 if top_value == 0 else max(0.5, 100 * bar.value / top_value)
        value_text = fmt(bar.value) + (f" {unit}" if unit else "")
        rows.append(
            f'<tr><td class="label">{escape(bar.label)}</td>'
            f'<td class="track"><div class="bar" style="width:{share:.1f}%"></div></td>'
            f'<td class="value">{escape(value_text)}</td></tr>'
        )
    return (
        f'<div class="hchart"><div class="chart-title">{escape(title)}</div>'
        f'<table class="hbars">{"".join(rows)}</table></div>'
    )


def html_columns(bars: list[Bar], title: str, height_pt: int = 110, fmt: Fmt = _fmt) -> str:
    """Columns per month as a table of bottom-aligned boxes, axis labels thinned to fit."""
    top_value = _nice_max(max((b.value for b in bars), default=0))
    n = max(len(bars), 1)
    every = label_step([b.label for b in bars], 480 / n)
    columns, labels = [], []
    for i, bar in enumerate(bars):
        h = 0 if top_value == 0 else height_pt * bar.value / top_value
        title_text = f"{bar.label}: {fmt(bar.value)}"
        columns.append(
            f'<td class="col" title="{escape(title_text)}">'
            f'<div class="bar" style="height:{h:.1f}pt"></div></td>'
        )
        text = escape(bar.label) if i % every == 0 else ""
        labels.append(f'<td class="axis" colspan="1">{text}</td>')
    return (
        f'<div class="vchart"><div class="chart-title">{escape(title)}</div>'
        f'<div class="scale">{escape(fmt(top_value))}</div>'
        f'<table class="columns" style="height:{height_pt}pt"><tr>{"".join(columns)}</tr>'
        f"<tr>{''.join(labels)}</tr></table></div>"
    )
