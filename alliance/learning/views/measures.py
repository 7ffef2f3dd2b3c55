"""Learning measures: each a series with its commentary and the learning of its periods,
drawn as an SVG line beside a table of its numbers. No target, threshold or colour."""

from datetime import date

from flask import flash, g, redirect, render_template, url_for

from alliance.charts import line_chart
from alliance.db import db
from alliance.errors import DomainError
from alliance.learning import services
from alliance.learning.forms import MeasureForm, MeasureValueForm
from alliance.learning.views.common import bp
from alliance.ledgers.rules import add_months
from alliance.members.rules import Action, allowed
from alliance.web import current_actor


def _can_record() -> bool:
    return allowed(g.membership.roles, Action.RECORD_MEASURES)


@bp.route("/measures")
def measures():
    return render_template(
        "learning/measures.html",
        measures=services.measures_of(db.session, g.alliance),
        can_record=_can_record(),
    )


@bp.route("/measures/new", methods=["GET", "POST"])
def new_measure():
    form = MeasureForm()
    status = 200
    if form.validate_on_submit():
        draft = services.MeasureDraft(
            form.name.data, form.unit.data, form.source.data, form.definition.data
        )
        try:
            measure = services.add_measure(db.session, current_actor(), g.alliance, draft)
        except DomainError as exc:
            form.name.errors = [*form.name.errors, exc.message]
            status = exc.status
        else:
            return redirect(url_for("learning.measure", measure_id=measure.id))
    elif form.is_submitted():
        status = 400
    return render_template("learning/measure_form.html", form=form), status


@bp.route("/measures/<int:measure_id>", methods=["GET", "POST"])
def measure(measure_id: int):
    found = services.get_measure(db.session, g.alliance, measure_id)
    form = MeasureValueForm()
    status = 200
    if form.validate_on_submit():
        try:
            services.append_value(
                db.session,
                current_actor(),
                g.alliance,
                found,
                period_start=form.period_start.data,
                period_label=form.period_label.data or "",
                value=form.value.data,
                commentary=form.commentary.data or "",
            )
        except DomainError as exc:
            form.value.errors = [*form.value.errors, exc.message]
            status = exc.status
        else:
            flash("The value is on the measure.", "success")
            return redirect(url_for("learning.measure", measure_id=found.id))
    elif form.is_submitted():
        status = 400
    values = list(found.values)
    rows = []
    for value, ends in zip(values, period_ends([v.period_start for v in values]), strict=True):
        learning = services.entries_of_period(db.session, g.alliance, value.period_start, ends)
        rows.append((value, learning))
    chart = line_chart([(v.period_label, v.value) for v in values])
    return render_template(
        "learning/measure.html",
        measure=found,
        rows=rows,
        chart=chart,
        form=form,
        can_record=_can_record(),
    ), status


def period_ends(starts: list[date]) -> list[date]:
    """Each period ends the day before the next starts; the last is as long as the one
    before it (a month when there is only one)."""
    ends = [date.fromordinal(later.toordinal() - 1) for later in starts[1:]]
    if starts:
        months = 1
        if len(starts) > 1:
            before = starts[-2]
            months = max(1, (starts[-1].year - before.year) * 12 + starts[-1].month - before.month)
        ends.append(date.fromordinal(add_months(starts[-1], months).toordinal() - 1))
    return ends
