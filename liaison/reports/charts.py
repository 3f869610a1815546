"""Charts as inline SVG, drawn on the server (no JavaScript, no external fonts or CDNs).

Each bar may carry a link (``href``) to the records behind it.
"""

from __future__ import annotations

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


def horizontal_bars(bars: list[Bar], title: str, width: int = 640, unit: str = "") -> str:
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
        value_text = _fmt(bar.value) + (f" {unit}" if unit else "")
        body = (
            f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row - 6}" fill="{BAR}"/>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + 14}">{escape(value_text)}</text>'
        )
        parts.append(_link(body, bar.href, bar.title or f"{bar.label}: {value_text}"))
    parts.append("</svg>")
    return "".join(parts)


def monthly_columns(bars: list[Bar], title: str, width: int = 720, height: int = 240) -> str:
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
            f'<text x="{left - 4}" y="{y + 3:.1f}" text-anchor="end">{_fmt(value)}</text>'
        )
    every = max(1, n // 12)
    for i, bar in enumerate(bars):
        h = 0 if top_value == 0 else plot_h * bar.value / top_value
        x = left + i * slot
        body = (
            f'<rect x="{x + slot * 0.1:.1f}" y="{top + plot_h - h:.1f}" '
            f'width="{max(slot * 0.8, 1):.1f}" height="{h:.1f}" fill="{BAR}"/>'
        )
        parts.append(_link(body, bar.href, bar.title or f"{bar.label}: {_fmt(bar.value)}"))
        if i % every == 0:
            parts.append(
                f'<text x="{x + slot / 2:.1f}" y="{height - bottom + 14}" '
                f'text-anchor="middle">{escape(bar.label)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)
