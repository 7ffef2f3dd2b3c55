"""Charts drawn on the server as SVG geometry, pure: no Flask, no database, no JavaScript.

A chart shows a series as it is: no target line, no threshold band, no colour that
judges a value. Each chart is drawn beside a table of its numbers (the template's job),
so it prints and reads without sight of it.
"""

from dataclasses import dataclass
from decimal import Decimal

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 48
#: Room inside the axes either side of the first and last point, for their labels.
INSET = 48


@dataclass(frozen=True)
class Point:
    x: Decimal  # SVG user units, exact: the drawing needs no binary fractions either
    y: Decimal
    label: str
    value: Decimal


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    points: list[Point]
    #: Horizontal guide lines: (y, the value it marks, as text).
    ticks: list[tuple[Decimal, str]]
    baseline: Decimal

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


def nice_step(span: Decimal, steps: int = 4) -> Decimal:
    """A round step (1, 2 or 5 times a power of ten) that covers ``span`` in ~``steps``."""
    if span <= 0:
        return Decimal(1)
    raw = span / steps
    power = Decimal(10) ** (raw.adjusted())
    for multiple in (1, 2, 5, 10):
        if power * multiple >= raw:
            return power * multiple
    return power * 10  # pragma: no cover - the loop always returns


def line_chart(series: list[tuple[str, Decimal]], width: int = WIDTH, height: int = HEIGHT):
    """The geometry of a line through the values in order, on axes that start at zero when
    every value is positive (so a small change is not drawn as a cliff)."""
    if not series:
        return None
    values = [value for _, value in series]
    low, high = min(min(values), Decimal(0)), max(max(values), Decimal(0))
    step = nice_step(high - low)
    bottom = (low / step).to_integral_value(rounding="ROUND_FLOOR") * step
    top = (high / step).to_integral_value(rounding="ROUND_CEILING") * step
    if top == bottom:
        top = bottom + step
    inner_w, inner_h = width - LEFT - RIGHT, height - TOP - BOTTOM

    def y_of(value: Decimal) -> Decimal:
        return TOP + (top - value) / (top - bottom) * inner_h

    span = Decimal(inner_w - 2 * INSET)
    gap = span / max(len(series) - 1, 1)
    points = [
        Point(LEFT + INSET + (i * gap if len(series) > 1 else span / 2), y_of(value), label, value)
        for i, (label, value) in enumerate(series)
    ]
    ticks = []
    tick = bottom
    while tick <= top:
        ticks.append((y_of(tick), f"{tick.normalize():,f}"))
        tick += step
    return LineChart(width, height, points, ticks, y_of(max(bottom, Decimal(0))))


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal
    #: The bar's left edge and width, its top, and where its label and value are written.
    x: Decimal
    width: Decimal
    y: Decimal
    label_y: Decimal
    value_x: Decimal
    value_anchor: str


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bars: list[Bar]
    zero_x: Decimal
    bar_height: int


#: A bar chart's rows: the label on a line of its own, the bar beneath it.
BAR_ROW, BAR_HEIGHT, BAR_LEFT, BAR_RIGHT = 44, 16, 8, 120


def bar_chart(series: list[tuple[str, Decimal]], width: int = WIDTH):
    """Horizontal bars in the order given (never sorted by size), from one zero line, each
    with its label above it, so long names fit. Negative values run left of zero."""
    if not series:
        return None
    values = [value for _, value in series]
    low, high = min(min(values), Decimal(0)), max(max(values), Decimal(0))
    inner = Decimal(width - BAR_LEFT - BAR_RIGHT)
    span = high - low

    def scaled(amount: Decimal) -> Decimal:
        return amount * inner / span if span else Decimal(0)

    zero_x = BAR_LEFT + scaled(-low)
    bars = []
    for i, (label, value) in enumerate(series):
        top = Decimal(i * BAR_ROW + 22)
        length = scaled(abs(value))
        left = zero_x if value >= 0 else zero_x - length
        ends = zero_x + length if value >= 0 else zero_x
        bars.append(Bar(label, value, left, length, top, top - 6, ends + 6, "start"))
    return BarChart(width, len(series) * BAR_ROW + 8, bars, zero_x, BAR_HEIGHT)
