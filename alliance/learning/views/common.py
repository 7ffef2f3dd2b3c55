"""The learning blueprint and the helpers its pages share."""

from flask import abort, g, url_for
from wtforms.fields.choices import SelectChoice

from alliance.db import db
from alliance.errors import DomainError
from alliance.learning import services
from alliance.learning.forms import EntryForm
from alliance.learning.models import LearningEntry
from alliance.learning.rules import EntryKind, EntryStatus, NextStep
from alliance.ledgers.structure import service_lines
from alliance.scoping import alliance_blueprint

bp = alliance_blueprint("learning", __name__, "/learning")


def entry_or_404(number: int) -> LearningEntry:
    try:
        return services.get_entry(db.session, g.alliance, number)
    except DomainError:
        abort(404)


def entry_form(**kwargs) -> EntryForm:
    """The entry form with this alliance's principles, values and service lines."""
    form = EntryForm(**kwargs)
    alliance = g.alliance
    form.citations.choices = [
        SelectChoice(p.code, f"({p.code}) {p.text}") for p in alliance.principles
    ] + [SelectChoice(v.code, v.name) for v in alliance.values]
    form.service_lines.choices = [
        SelectChoice(s.name, s.name) for s in service_lines(db.session, alliance)
    ]
    return form


def split(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").replace(";", ",").split(",") if part.strip()]


def draft_from(form: EntryForm, kind: EntryKind) -> services.EntryDraft:
    codes = set(form.citations.data or [])
    principles = {p.code for p in g.alliance.principles}
    lines = []
    for part in split(form.ledger_lines.data):
        if not part.isdigit():
            raise services.InvalidEntry(f"“{part}” is not a ledger line number.")
        lines.append(int(part))
    return services.EntryDraft(
        kind=kind,
        title=form.title.data or "",
        summary=form.summary.data or "",
        involved=form.involved.data or "",
        status=EntryStatus(form.status.data or "idea"),
        starts_on=form.starts_on.data,
        ends_on=form.ends_on.data,
        happened=form.happened.data or "",
        learned_good=form.learned_good.data or "",
        learned_bad=form.learned_bad.data or "",
        next_step=NextStep(form.next_step.data) if form.next_step.data else None,
        next_step_note=form.next_step_note.data or "",
        themes=form.themes.data or "",
        principles=sorted(codes & principles),
        values=sorted(codes - principles),
        links=form.links.data or "",
        decisions=split(form.decisions.data),
        ledger_lines=lines,
        service_lines=list(form.service_lines.data or []),
    )


def fill_form(form: EntryForm, entry: LearningEntry) -> None:
    """An edit starts from the entry as it stands."""
    for name in (
        "title", "summary", "involved", "starts_on", "ends_on", "happened", "learned_good",
        "learned_bad", "next_step_note", "links",
    ):  # fmt: skip
        getattr(form, name).data = getattr(entry, name)
    form.status.data = entry.status.value
    form.next_step.data = entry.next_step.value if entry.next_step else ""
    form.themes.data = ", ".join(entry.themes)
    form.citations.data = [*entry.principles, *entry.values]
    form.decisions.data = ", ".join(c.decision.reference for c in entry.citations if c.decision_id)
    form.ledger_lines.data = ", ".join(
        str(c.ledger_line_id) for c in entry.citations if c.ledger_line_id
    )
    form.service_lines.data = [c.service_line.name for c in entry.citations if c.service_line_id]
    form.based_on.data = str(entry.revision)


def learning_citations(kind: str, obj) -> list[dict]:
    """The entries that cite a decision, or any line of a ledger version (see web.cited_by)."""
    if kind == "decision":
        entries = services.entries_citing_decision(db.session, obj)
    elif kind == "ledger_version":
        entries = services.entries_citing_version(db.session, obj)
    else:
        return []
    return [
        {
            "reference": e.reference,
            "title": e.title,
            "url": url_for("learning.show", number=e.number, slug=g.alliance.slug),
        }
        for e in entries
    ]
