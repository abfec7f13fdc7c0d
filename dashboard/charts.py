"""Server-drawn SVG charts for the dashboard: weekly bars or lines, geometry
computed here and drawn by ``templates/dashboard/_chart.html``. Nothing loads
from another host and the charts read without JavaScript."""

import math
from dataclasses import dataclass
from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 640, 200
LEFT, RIGHT, TOP, BOTTOM = 48, 632, 12, 170


def _nice_ceiling(highest: float, ticks: int = 4) -> tuple[float, float]:
    """A round step (1, 2 or 5 × 10^n) and the axis top it reaches."""
    raw = max(highest / ticks, 1e-9)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    return step, step * max(math.ceil(highest / step), 1)


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Chart:
    title: str
    description: str
    kind: str  # "bars" or "line"
    bars: list[Bar]
    points: str
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = RIGHT
    top: int = TOP
    bottom: int = BOTTOM


def weekly_chart(
    title: str,
    series: list[tuple[date, float | None]],
    *,
    kind: str = "bars",
    unit: str = "",
    percent: bool = False,
) -> Chart:
    """A chart of one value per week (``None``: no data that week), oldest first."""
    values = [value for _, value in series if value is not None]
    highest = 100.0 if percent else max(values, default=0) or 1
    step, ceiling = _nice_ceiling(highest)
    slot = (RIGHT - LEFT) / max(len(series), 1)

    def y(value: float) -> float:
        return round(BOTTOM - (BOTTOM - TOP) * value / ceiling, 1)

    def fmt(value: float) -> str:
        return f"{value:.0f}%" if percent else f"{value:,.0f}{unit}"

    bars, points = [], []
    for index, (week, value) in enumerate(series):
        if value is None:
            continue
        x = LEFT + slot * index
        label = f"{date_format(week, 'j M')}: {fmt(value)}"
        if kind == "bars":
            bars.append(
                Bar(
                    round(x + slot * 0.15, 1),
                    y(value),
                    round(slot * 0.7, 1),
                    round(BOTTOM - y(value), 1),
                    label,
                )
            )
        else:
            points.append(f"{round(x + slot / 2, 1)},{y(value)}")
    y_ticks = [Tick(y(step * i), fmt(step * i)) for i in range(round(ceiling / step) + 1)]
    every = max(1, math.ceil(len(series) / 6))
    x_ticks = [
        Tick(round(LEFT + slot * i + slot / 2, 1), date_format(week, "j M"))
        for i, (week, _) in enumerate(series)
        if i % every == 0
    ]
    if values:
        last = next(value for _, value in reversed(series) if value is not None)
        description = _(
            "%(title)s, %(weeks)d weeks from %(start)s: lowest %(lowest)s, highest "
            "%(highest)s, last week %(last)s."
        ) % {
            "title": title,
            "weeks": len(series),
            "start": date_format(series[0][0], "j M Y"),
            "lowest": fmt(min(values)),
            "highest": fmt(max(values)),
            "last": fmt(last),
        }
    else:
        description = _("%(title)s: no data in this period.") % {"title": title}
    return Chart(title, description, kind, bars, " ".join(points), y_ticks, x_ticks)
