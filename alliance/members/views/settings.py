"""Pages of the alliance's settings, principles and values."""

from flask import (
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import select

from alliance.db import db
from alliance.errors import DomainError
from alliance.members import services
from alliance.members.forms import (
    PrincipleForm,
    SettingsForm,
    ValueForm,
)
from alliance.members.models import (
    AbstentionPolicy,
    Principle,
)
from alliance.members.rules import Action
from alliance.members.views.common import bp, show_error
from alliance.scoping import require_role
from alliance.web import current_actor


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    alliance = g.alliance
    form = SettingsForm(obj=alliance if request.method == "GET" else None)
    if request.method == "GET":
        form.abstention_policy.data = alliance.abstention_policy.value
    if request.method == "POST":
        require_role(Action.EDIT_ALLIANCE)
        if form.validate_on_submit():
            try:
                services.update_alliance(
                    db.session,
                    current_actor(),
                    alliance,
                    name=form.name.data,
                    purpose=form.purpose.data or "",
                    agreement_starts_on=form.agreement_starts_on.data,
                    agreement_ends_on=form.agreement_ends_on.data,
                    abstention_policy=AbstentionPolicy(form.abstention_policy.data),
                    quorum=form.quorum.data,
                    require_second_factor=bool(form.require_second_factor.data),
                )
            except DomainError as exc:
                show_error(form, exc)
            else:
                flash("Settings saved.", "success")
                return redirect(url_for("members.settings"))
    return render_template(
        "members/settings.html",
        form=form,
        value_form=ValueForm(formdata=None),
        principles=alliance.principles,
    ), (422 if form.errors else 200)


@bp.route("/settings/principles/<code>", methods=["GET", "POST"])
def principle(code: str):
    row = db.session.scalars(
        select(Principle).where(Principle.alliance_id == g.alliance.id, Principle.code == code)
    ).first()
    if row is None:
        abort(404)
    form = PrincipleForm(obj=row if request.method == "GET" else None)
    if request.method == "POST":
        require_role(Action.EDIT_ALLIANCE)
        if form.validate_on_submit():
            services.update_principle(db.session, current_actor(), row, form.text.data)
            flash(f"Principle ({row.code}) saved.", "success")
            return redirect(url_for("members.settings"))
    return render_template("members/principle.html", form=form, principle=row), (
        422 if form.errors else 200
    )


@bp.route("/settings/values", methods=["POST"])
def add_value():
    require_role(Action.EDIT_ALLIANCE)
    form = ValueForm()
    if not form.validate_on_submit():
        abort(422, "Name the value in 100 characters or fewer.")
    services.add_value(
        db.session,
        current_actor(),
        g.alliance,
        name=form.name.data,
        description=form.description.data or "",
    )
    flash("Value added.", "success")
    return redirect(url_for("members.settings"))
