"""Server-rendered bar charts: geometry computed here, drawn as SVG by a template with
attributes only (the content security policy forbids inline styles). Each bar carries its number
as text and cross-session credit is hatched, so nothing is told by colour alone."""

from dataclasses import dataclass
from decimal import Decimal

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
