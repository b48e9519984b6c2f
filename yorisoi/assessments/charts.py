"""Server-rendered line charts of a score over time: coordinates only; the template draws the
SVG and the data table that stands in for it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

WIDTH = 640
HEIGHT = 240
LEFT, RIGHT, TOP, BOTTOM = 48, 24, 16, 40
# Points keep clear of the axis and their date labels of the edges.
INSET = 40


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    on: date
    value: int
    assessment_id: int
    delta: int | None = None


@dataclass
class Chart:
    key: str
    title: dict  # labels {ja, en}
    low: int
    high: int
    points: list[Point] = field(default_factory=list)
    y_ticks: list[tuple[float, int]] = field(default_factory=list)
    x_ticks: list[tuple[float, date]] = field(default_factory=list)
    band_lines: list[tuple[float, int]] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)

    @property
    def plot_left(self) -> int:
        return LEFT

    @property
    def plot_right(self) -> int:
        return self.width - RIGHT

    @property
    def plot_top(self) -> int:
        return TOP

    @property
    def plot_bottom(self) -> int:
        return self.height - BOTTOM


def _y(value: float, low: int, high: int) -> float:
    span = (high - low) or 1
    return TOP + (high - value) / span * (HEIGHT - TOP - BOTTOM)


def build(
    key: str,
    title: dict,
    low: int,
    high: int,
    series: list[tuple[date, int, int]],
    band_starts: list[int] = (),
) -> Chart:
    """A chart of (date, value, assessment id) in date order, scaled to the score's range."""
    chart = Chart(key=key, title=title, low=low, high=high)
    plot_width = WIDTH - LEFT - RIGHT - 2 * INSET
    if series:
        first, last = series[0][0], series[-1][0]
        span = (last - first).days
        previous = None
        for index, (on, value, assessment_id) in enumerate(series):
            if len(series) == 1:
                x = LEFT + INSET + plot_width / 2
            elif span == 0:
                x = LEFT + INSET + plot_width * index / (len(series) - 1)
            else:
                x = LEFT + INSET + plot_width * (on - first).days / span
            delta = None if previous is None else value - previous
            chart.points.append(Point(x, _y(value, low, high), on, value, assessment_id, delta))
            previous = value
        shown = chart.points if len(chart.points) <= 6 else [chart.points[0], chart.points[-1]]
        chart.x_ticks = [(p.x, p.on) for p in shown]
    ticks = {low, high, *[b for b in band_starts if low < b < high]}
    if not band_starts:
        # Without bands to mark, a few evenly spaced values help reading the line.
        step = max(1, -(-(high - low) // 4))
        ticks |= set(range(low, high, step))
    chart.y_ticks = [(_y(v, low, high), v) for v in sorted(ticks)]
    chart.band_lines = [(_y(b - 0.5, low, high), b) for b in sorted(band_starts) if low < b <= high]
    return chart
