"""Server-drawn charts: the geometry of a line, on honest axes."""

from decimal import Decimal

from alliance.charts import BAR_LEFT, BAR_RIGHT, WIDTH, bar_chart, line_chart, nice_step


def test_a_round_step_covers_the_span_in_about_four():
    assert nice_step(Decimal("531.7")) == Decimal("200")
    assert nice_step(Decimal("23")) == Decimal("10")
    assert nice_step(Decimal("0")) == Decimal("1")


def test_positive_values_are_drawn_on_an_axis_from_zero_in_order():
    chart = line_chart(
        [("Q1", Decimal("512.4")), ("Q2", Decimal("498.0")), ("Q3", Decimal("531.7"))]
    )
    assert [p.label for p in chart.points] == ["Q1", "Q2", "Q3"]
    assert [text for _, text in chart.ticks] == ["0", "200", "400", "600"]
    xs = [p.x for p in chart.points]
    assert xs == sorted(xs) and xs[0] == 64 + 48 and xs[-1] == 640 - 16 - 48  # room for labels
    # Higher values are higher on the page (smaller y), in proportion from zero.
    q1, q2, q3 = (p.y for p in chart.points)
    assert q3 < q1 < q2
    assert chart.baseline == chart.ticks[0][0]
    height_of_q1 = (chart.baseline - q1) / (chart.baseline - chart.ticks[-1][0])
    assert height_of_q1.quantize(Decimal("0.000001")) == (Decimal("512.4") / 600).quantize(
        Decimal("0.000001")
    )
    assert chart.polyline.count(",") == 3


def test_one_value_sits_in_the_middle_and_none_draws_nothing():
    chart = line_chart([("Q1", Decimal("17"))])
    assert chart.points[0].x == 64 + (640 - 64 - 16) / 2
    assert line_chart([]) is None


def test_negative_values_keep_zero_on_the_axis():
    chart = line_chart([("a", Decimal("-30")), ("b", Decimal("45"))])
    texts = [text for _, text in chart.ticks]
    assert "0" in texts and texts[0].startswith("-") and float(texts[-1]) >= 45


def test_bars_keep_the_order_given_and_are_in_proportion_from_zero():
    chart = bar_chart([("Zeta", Decimal("100")), ("Alpha", Decimal("400")), ("Mid", Decimal("0"))])
    assert [b.label for b in chart.bars] == ["Zeta", "Alpha", "Mid"]  # never sorted by size
    zeta, alpha, mid = chart.bars
    assert chart.zero_x == BAR_LEFT
    assert alpha.width == WIDTH - BAR_LEFT - BAR_RIGHT  # the largest fills the room
    assert alpha.width == 4 * zeta.width and mid.width == 0
    assert zeta.y < alpha.y < mid.y  # one row each, top to bottom
    assert chart.height > mid.y + chart.bar_height


def test_a_negative_bar_runs_left_of_zero_and_nothing_draws_nothing():
    chart = bar_chart([("gain", Decimal("50")), ("loss", Decimal("-150"))])
    gain, loss = chart.bars
    assert loss.x + loss.width == chart.zero_x == gain.x
    assert loss.width == 3 * gain.width
    assert bar_chart([]) is None
    flat = bar_chart([("none", Decimal("0"))])
    assert flat.bars[0].width == 0
