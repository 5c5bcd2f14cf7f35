"""Server-rendered bar charts: geometry computed here, drawn as SVG by a template with
attributes only (the content security policy forbids inline styles). Each bar carries its number
as text and cross-session credit is hatched, so nothing is told by colour alone."""

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

LABEL_WIDTH = 170
BAR_AREA = 440
VALUE_WIDTH = 70
BAR_HEIGHT = 20
GAP = 10
TOP = 8


@dataclass(frozen=True)
class Bar:
    label: str
    in_session: Decimal
    cross_session: Decimal
    y: int
    in_width: float
    cross_x: float
    cross_width: float

    @property
    def total(self) -> Decimal:
        return self.in_session + self.cross_session

    @property
    def text_y(self) -> int:
        return self.y + BAR_HEIGHT // 2 + 5

    @property
    def value_x(self) -> float:
        return self.cross_x + self.cross_width + 6


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    width: int
    height: int
    label_width: int = LABEL_WIDTH
    bar_height: int = BAR_HEIGHT
    hidden: int = 0


def bar_chart(items: list[tuple[str, Decimal, Decimal]], *, limit: int = 15) -> BarChart:
    """Horizontal stacked bars (in-session, then cross-session), biggest first, at most
    ``limit`` of them (``hidden`` says how many were left out)."""
    ranked = sorted(items, key=lambda item: (-(item[1] + item[2]), item[0]))
    shown = [item for item in ranked if item[1] + item[2] > 0][:limit]
    top = max((item[1] + item[2] for item in shown), default=Decimal(0))
    scale = Decimal(BAR_AREA) / top if top else Decimal(0)
    bars = []
    for index, (label, in_session, cross_session) in enumerate(shown):
        in_width = float(in_session * scale)
        cross_width = float(cross_session * scale)
        bars.append(
            Bar(
                label=label,
                in_session=in_session,
                cross_session=cross_session,
                y=TOP + index * (BAR_HEIGHT + GAP),
                in_width=round(in_width, 1),
                cross_x=round(LABEL_WIDTH + in_width, 1),
                cross_width=round(cross_width, 1),
            )
        )
    height = TOP * 2 + len(bars) * (BAR_HEIGHT + GAP)
    return BarChart(
        bars=bars,
        width=LABEL_WIDTH + BAR_AREA + VALUE_WIDTH,
        height=height,
        hidden=len([i for i in ranked if i[1] + i[2] > 0]) - len(shown),
    )


# Column charts over time (the trend): one column per day or week, a value axis with round
# steps, drawn by ``_trend_chart.html`` with SVG attributes only.
# Narrow units, so that the text stays legible when a phone draws the chart 330 pixels wide.
COLUMN_WIDTH = 480
COLUMN_GUTTER = 64  # the value axis' labels, right-aligned before the plot
COLUMN_PLOT_TOP = 14
COLUMN_PLOT_HEIGHT = 150
COLUMN_AXIS_HEIGHT = 26  # the time labels under the plot
COLUMN_LABELS = 6  # at most this many time labels, evenly spread
NICE_STEPS = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10))


@dataclass(frozen=True)
class Column:
    item: object  # what the column stands for (a trend bucket), for the template's labels
    value: Decimal
    x: float
    y: float
    width: float
    height: float
    centre: float
    labelled: bool  # its time label is drawn (not every column gets one when there are many)

    @property
    def value_y(self) -> float:
        return round(self.y - 5, 1)


@dataclass(frozen=True)
class Gridline:
    value: Decimal
    y: float

    @property
    def text_y(self) -> float:
        return round(self.y + 4, 1)


@dataclass(frozen=True)
class ColumnChart:
    columns: list[Column]
    gridlines: list[Gridline]
    top: Decimal
    show_values: bool
    width: int = COLUMN_WIDTH
    height: int = COLUMN_PLOT_TOP + COLUMN_PLOT_HEIGHT + COLUMN_AXIS_HEIGHT
    gutter: int = COLUMN_GUTTER
    baseline: int = COLUMN_PLOT_TOP + COLUMN_PLOT_HEIGHT

    @property
    def label_y(self) -> int:
        return self.baseline + 18

    @property
    def total(self) -> Decimal:
        return sum((column.value for column in self.columns), Decimal(0))

    @property
    def highest(self) -> Column | None:
        """The first column with the highest value (the chart's description names it)."""
        return max(self.columns, key=lambda c: c.value, default=None)


def nice_step(top: Decimal, *, whole: bool = False, steps: int = 4) -> Decimal:
    """A round step (1, 2, 2.5 or 5 times a power of ten) so that ``steps`` of them reach
    ``top``; at least 1 for counts of whole things."""
    raw = top / steps
    if raw <= 0:
        return Decimal(1)
    magnitude = Decimal(1).scaleb(raw.adjusted())
    candidates = (m * magnitude for m in NICE_STEPS)
    if whole:  # whole things are counted in whole steps: 1, 2, 5, 10, 20, 50...
        candidates = (c for c in candidates if c >= 1 and c == c.to_integral_value())
    return _plain(next((c for c in candidates if c >= raw), Decimal(10) * magnitude))


def _plain(value: Decimal) -> Decimal:
    """``1.5E+2`` as ``150``: the same number, written as people read it."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def column_chart(
    items: list[tuple[object, Decimal]], *, whole: bool = False, value_room: int = 28
) -> ColumnChart:
    """Columns for ``(item, value)`` pairs in time order. Values are written above the columns
    when each column has ``value_room`` units of width for them."""
    top_value = max((value for _item, value in items), default=Decimal(0))
    step = nice_step(top_value, whole=whole)
    top = _plain(max(step, step * (top_value / step).to_integral_value(rounding=ROUND_CEILING)))
    slot = (COLUMN_WIDTH - COLUMN_GUTTER) / max(len(items), 1)
    bar = max(1.0, slot * 0.7)
    every = -(-len(items) // COLUMN_LABELS) or 1
    baseline = COLUMN_PLOT_TOP + COLUMN_PLOT_HEIGHT
    columns = []
    for index, (item, value) in enumerate(items):
        height = float(value / top) * COLUMN_PLOT_HEIGHT if top else 0.0
        x = COLUMN_GUTTER + index * slot + (slot - bar) / 2
        columns.append(
            Column(
                item=item,
                value=value,
                x=round(x, 1),
                y=round(baseline - height, 1),
                width=round(bar, 1),
                height=round(height, 1),
                centre=round(x + bar / 2, 1),
                labelled=index % every == 0,
            )
        )
    ticks = int(top / step)
    gridlines = [
        Gridline(value=_plain(step * i), y=round(baseline - COLUMN_PLOT_HEIGHT * i / ticks, 1))
        for i in range(ticks + 1)
    ]
    return ColumnChart(
        columns=columns, gridlines=gridlines, top=top, show_values=slot >= value_room
    )
