"""Server-rendered SVG charts. Each chart names the table that carries the same figures (its
text alternative); a masked figure (None) draws no bar and shows the mask mark instead."""

from __future__ import annotations

from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

PRIMARY = "#0017c1"
PREVIOUS = "#949494"
GRID = "#d8d8db"
TEXT = "#1a1a1a"
FONT = "'Noto Sans CJK JP', 'Noto Sans JP', 'Hiragino Sans', sans-serif"
MASK = "x"


def _number(value: int | None) -> str:
    return MASK if value is None else f"{value:,}"


def _nice_step(value: int, steps: int) -> int:
    """The smallest 1, 2, 2.5 or 5 times a power of ten that covers `value` in `steps` steps,
    so axis labels are round numbers."""
    target = max(1, value) / steps
    magnitude = 1
    while True:
        for factor in (1, 2, 2.5, 5):
            step = factor * magnitude
            if step >= target and step == int(step):
                return int(step)
        magnitude *= 10


def _nice_max(value: int, steps: int = 4) -> int:
    return _nice_step(value, steps) * steps


def _text_width(text: str, size: int) -> float:
    """A rough width in pixels: full width for CJK and other wide characters, about half for
    ASCII."""
    return sum(size if ord(ch) > 0x2E7F else size * 0.6 for ch in text)


def bar_chart(
    *, chart_id: str, title: str, rows: list[tuple[str, int | None]], table_id: str = ""
) -> SafeString:
    """Horizontal bars, one per row (label, value)."""
    widest = max([_text_width(label, 13) for label, _ in rows] + [60])
    label_width, bar_width, row_height, top = int(min(340, widest + 16)), 360, 26, 8
    height = top + row_height * max(1, len(rows)) + 8
    width = label_width + bar_width + 80
    top_value = _nice_max(max([v for _, v in rows if v] + [1]))
    desc = _("同じ数値を表「%(table)s」に示しています。") % {"table": title}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc"'
        + (f' aria-describedby="{escape(table_id)}"' if table_id else "")
        + f' font-family="{FONT}" font-size="13">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(desc)}</desc>',
    ]
    for i, (label, value) in enumerate(rows):
        y = top + i * row_height
        text_y = y + row_height / 2 + 4
        parts.append(
            f'<text x="{label_width - 8}" y="{text_y:.1f}" text-anchor="end" fill="{TEXT}">'
            f"{escape(label)}</text>"
        )
        length = 0 if not value else max(1.0, bar_width * value / top_value)
        if length:
            parts.append(
                f'<rect x="{label_width}" y="{y + 4}" width="{length:.1f}" '
                f'height="{row_height - 8}" fill="{PRIMARY}"/>'
            )
        parts.append(
            f'<text x="{label_width + length + 6:.1f}" y="{text_y:.1f}" fill="{TEXT}">'
            f"{escape(_number(value))}</text>"
        )
    parts.append(
        f'<line x1="{label_width}" y1="{top}" x2="{label_width}" y2="{height - 8}" '
        f'stroke="{TEXT}" stroke-width="1"/>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def month_chart(
    *,
    chart_id: str,
    title: str,
    labels: list[str],
    current: list[int | None],
    previous: list[int | None] | None,
    current_name: str,
    previous_name: str = "",
    table_id: str = "",
) -> SafeString:
    """Columns for this year's months, a line for the previous year's."""
    left, right, top, bottom = 56, 16, 36, 44
    plot_w, plot_h = 600, 200
    width, height = left + plot_w + right, top + plot_h + bottom
    values = [v for v in current + (previous or []) if v]
    top_value = _nice_max(max([*values, 1]))
    step = plot_w / max(1, len(labels))
    desc = _("同じ数値を表「%(table)s」に示しています。") % {"table": title}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc"'
        + (f' aria-describedby="{escape(table_id)}"' if table_id else "")
        + f' font-family="{FONT}" font-size="12">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(desc)}</desc>',
    ]
    for k in range(5):
        value = top_value * k / 4
        y = top + plot_h - plot_h * k / 4
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{TEXT}">'
            f"{int(value):,}</text>"
        )
    for i, (label, value) in enumerate(zip(labels, current, strict=True)):
        x = left + i * step
        if value:
            bar_h = plot_h * value / top_value
            parts.append(
                f'<rect x="{x + step * 0.2:.1f}" y="{top + plot_h - bar_h:.1f}" '
                f'width="{step * 0.6:.1f}" height="{bar_h:.1f}" fill="{PRIMARY}"/>'
            )
        elif value is None:
            parts.append(
                f'<text x="{x + step / 2:.1f}" y="{top + plot_h - 4}" text-anchor="middle" '
                f'fill="{TEXT}">{MASK}</text>'
            )
        parts.append(
            f'<text x="{x + step / 2:.1f}" y="{top + plot_h + 16}" text-anchor="middle" '
            f'fill="{TEXT}">{escape(label)}</text>'
        )
    if previous:
        points = [
            (left + i * step + step / 2, top + plot_h - plot_h * v / top_value)
            for i, v in enumerate(previous)
            if v is not None
        ]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{PREVIOUS}" stroke-width="2" '
                'stroke-dasharray="6 3"/>'
            )
        for x, y in points:
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{PREVIOUS}"/>')
    # Legend
    parts.append(
        f'<rect x="{left}" y="8" width="14" height="14" fill="{PRIMARY}"/>'
        f'<text x="{left + 20}" y="20" fill="{TEXT}">{escape(current_name)}</text>'
    )
    if previous:
        parts.append(
            f'<line x1="{left + 220}" y1="15" x2="{left + 246}" y2="15" stroke="{PREVIOUS}" '
            'stroke-width="2" stroke-dasharray="6 3"/>'
            f'<text x="{left + 252}" y="20" fill="{TEXT}">{escape(previous_name)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
