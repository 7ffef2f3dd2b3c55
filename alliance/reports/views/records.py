"""The pool's records, as the people who own them make them: a commissioner's contribution,
the manager's opening allocations and the risk share the board agreed."""

from decimal import Decimal, InvalidOperation

from flask import flash, g, redirect, render_template, request, url_for
from wtforms.fields.choices import SelectChoice

from alliance.db import db
from alliance.errors import DomainError
from alliance.ledgers.structure import service_lines
from alliance.members.models import OrganisationKind
from alliance.members.rules import Action
from alliance.money import format_pounds
from alliance.reports import forms, services
from alliance.reports.views.common import asked_year, bp
from alliance.scoping import require_role
from alliance.web import current_actor


def _members() -> list:
    return sorted(g.alliance.organisations, key=lambda o: o.name.casefold())


def _back(year: int):
    return redirect(url_for("reports.index", year=year))


@bp.route("/pool/contributions/new", methods=["GET", "POST"])
def new_contribution():
    require_role(Action.RECORD_CONTRIBUTION)
    year = asked_year()
    form = forms.ContributionForm()
    status = 200
    if form.validate_on_submit():
        try:
            services.record_contribution(
                db.session,
                current_actor(),
                g.alliance,
                g.membership.organisation,
                financial_year=year,
                amount=form.amount.amount,
                note=form.note.data or "",
            )
        except DomainError as exc:
            form.amount.errors = [*form.amount.errors, exc.message]
            status = exc.status
        else:
            organisation = g.membership.organisation.name
            flash(f"Recorded {format_pounds(form.amount.amount)} for {organisation}.")
            return _back(year)
    elif form.is_submitted():
        status = 400
    return render_template("reports/contribution_form.html", form=form, year=year), status


@bp.route("/pool/allocations/new", methods=["GET", "POST"])
def new_allocation():
    require_role(Action.MANAGE_POOL)
    year = asked_year()
    form = forms.OpeningAllocationForm()
    providers = [o for o in _members() if o.kind is not OrganisationKind.COMMISSIONER]
    form.organisation.choices = [SelectChoice("", "Choose…")] + [
        SelectChoice(str(o.id), o.name) for o in providers
    ]
    form.service_line.choices = [SelectChoice("", "The provider's allocation as a whole")] + [
        SelectChoice(s.name, s.name) for s in service_lines(db.session, g.alliance)
    ]
    status = 200
    if form.validate_on_submit():
        organisation = next((o for o in providers if str(o.id) == form.organisation.data), None)
        try:
            if organisation is None:
                raise services.InvalidPoolRecord("Choose one of the alliance's providers.")
            services.set_opening_allocation(
                db.session,
                current_actor(),
                g.alliance,
                organisation,
                financial_year=year,
                amount=form.amount.amount,
                service_line=form.service_line.data or "",
            )
        except DomainError as exc:
            form.amount.errors = [*form.amount.errors, exc.message]
            status = exc.status
        else:
            flash(f"Recorded the opening allocation for {organisation.name}.")
            return _back(year)
    elif form.is_submitted():
        status = 400
    return render_template("reports/allocation_form.html", form=form, year=year), status


def _percents(prefix: str, members) -> dict:
    """{organisation: Decimal} from the form's per-member fields; empty fields left out."""
    found = {}
    for organisation in members:
        raw = (request.form.get(f"{prefix}-{organisation.id}") or "").strip().rstrip("%")
        if raw:
            try:
                found[organisation] = Decimal(raw)
            except InvalidOperation:
                raise services.InvalidPoolRecord(
                    f"“{raw}” is not a percentage ({organisation.name})."
                ) from None
            # Beyond 100 in size (1e99, say) is no share, and too big to check to the penny.
            if not found[organisation].is_finite() or abs(found[organisation]) > 100:
                raise services.InvalidPoolRecord(f"“{raw}” is not a percentage.")
    return found


@bp.route("/pool/risk-share", methods=["GET", "POST"])
def risk_share():
    require_role(Action.MANAGE_POOL)
    year = asked_year()
    members = _members()
    form = forms.RiskShareForm()
    terms = services.risk_share_terms(db.session, g.alliance, year)
    errors: list[str] = []
    status = 200
    if form.validate_on_submit():
        try:
            shares = _percents("share", members)
            upper = _percents("band", members)
            bands = []
            if form.band_up_to.amount is not None:
                bands = [(form.band_up_to.amount, {}), (None, upper)]
            elif upper:
                raise services.InvalidPoolRecord(
                    "Say where the second band starts, or leave its percentages empty."
                )
            services.set_risk_share(
                db.session,
                current_actor(),
                g.alliance,
                financial_year=year,
                shares=shares,
                bands=bands,
                provider_cap=form.provider_cap.amount,
                note=form.note.data or "",
            )
        except DomainError as exc:
            errors.append(exc.message)
            status = exc.status
        else:
            flash("Recorded the risk share.")
            return _back(year)
    elif form.is_submitted():
        status = 400
    current = {}
    if terms is not None:
        by_name = {m.name: m.percent for m in terms.members}
        current = {o.id: by_name.get(o.name, "") for o in members}
    values = {o.id: request.form.get(f"share-{o.id}", current.get(o.id, "")) for o in members}
    band_values = {o.id: request.form.get(f"band-{o.id}", "") for o in members}
    return render_template(
        "reports/risk_share_form.html",
        form=form,
        year=year,
        members=members,
        values=values,
        band_values=band_values,
        errors=errors,
        history=services.risk_share_agreements(db.session, g.alliance, year),
    ), status
