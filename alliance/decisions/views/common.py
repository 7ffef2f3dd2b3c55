"""The decision blueprint and the helpers its pages share."""

from flask import abort, g
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from alliance.db import db
from alliance.decisions import services
from alliance.decisions.forms import (
    ProposalForm,
)
from alliance.decisions.models import (
    Decision,
    DecisionKind,
    DecisionOutcome,
    DecisionStatus,
)
from alliance.decisions.rules import Result
from alliance.errors import DomainError
from alliance.members.models import Organisation, OrganisationKind
from alliance.members.services import alphabetical
from alliance.money import parse_pounds
from alliance.scoping import alliance_blueprint

bp = alliance_blueprint("decisions", __name__, "/decisions")
FILTER_STATUSES = {s.value for s in DecisionStatus}
FILTER_KINDS = {k.value for k in DecisionKind}


def citation_choices():
    alliance = g.alliance
    return [SelectChoice(p.code, f"({p.code}) {p.text}") for p in alliance.principles] + [
        SelectChoice(v.code, v.name) for v in alliance.values
    ]


def proposal_form(**kwargs) -> ProposalForm:
    """The proposal form with its choices from this alliance (members in alphabetical order)."""
    form = ProposalForm(**kwargs)
    form.citations.choices = citation_choices()
    orgs = alphabetical(g.alliance.organisations)
    none = SelectChoice("", "None")
    form.reserved_holder.choices = [none] + [
        SelectChoice(str(o.id), o.name) for o in orgs if o.kind is OrganisationKind.COMMISSIONER
    ]
    form.effect_from.choices = [none] + [SelectChoice(str(o.id), o.name) for o in orgs]
    form.effect_to.choices = [none] + [SelectChoice(str(o.id), o.name) for o in orgs]
    carried = db.session.scalars(
        select(Decision)
        .join(Decision.outcome)
        .where(Decision.alliance_id == g.alliance.id, DecisionOutcome.result == Result.CARRIED)
        .order_by(Decision.reference)
    ).all()
    form.supersedes.choices = [none] + [
        SelectChoice(str(d.id), f"{d.reference} {d.title}") for d in carried
    ]
    return form


def organisation_or_404(value: str | None) -> Organisation | None:
    if not value:
        return None
    org = db.session.get(Organisation, int(value))
    if org is None or org.alliance_id != g.alliance.id:
        abort(404)
    return org


def budget_effect_from(form: ProposalForm):
    """The budget effect typed into the form, or None when it was left empty."""
    if not (form.effect_amount.data or "").strip():
        return None
    return services.BudgetEffectDraft(
        financial_year=form.effect_year.data or 0,
        amount=parse_pounds(form.effect_amount.data),
        from_organisation=organisation_or_404(form.effect_from.data),
        to_organisation=organisation_or_404(form.effect_to.data),
        from_service_line=form.effect_from_line.data or "",
        to_service_line=form.effect_to_line.data or "",
    )


def decision_or_404(reference: str) -> Decision:
    try:
        return services.decision_by_reference(db.session, g.alliance, reference)
    except DomainError:
        abort(404)
