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
    for i, value in enumerate(values):
        ends = values[i + 1].period_start if i + 1 < len(values) else date.max
        learning = services.entries_of_period(
            db.session, g.alliance, value.period_start, _day_before(ends)
        )
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


def _day_before(day: date) -> date:
    return day if day == date.max else date.fromordinal(day.toordinal() - 1)
