"""The learning log's pages: the list, an entry, recording and editing, the gate, history."""

from datetime import date

from flask import flash, g, redirect, render_template, request, url_for

from alliance.db import db
from alliance.errors import DomainError
from alliance.learning import services
from alliance.learning.forms import (
    KIND_LABELS,
    STATUS_LABELS,
    AnswerForm,
    GateForm,
    QuestionForm,
)
from alliance.learning.models import LearningEntry
from alliance.learning.rules import EntryKind, EntryStatus, Gate, gate_of
from alliance.learning.views.common import bp, draft_from, entry_form, entry_or_404, fill_form
from alliance.members.rules import Action, allowed
from alliance.web import current_actor


def _can_write() -> bool:
    return allowed(g.membership.roles, Action.WRITE_LEARNING)


FILTERS = ("q", "kind", "status", "theme", "principle", "from", "to")


@bp.route("/")
def index():
    args = request.args
    filters = services.Filters(
        query=(args.get("q") or "")[:200],
        kind=_choice(EntryKind, args.get("kind")),
        status=_choice(EntryStatus, args.get("status")),
        theme=(args.get("theme") or "")[:60],
        principle=(args.get("principle") or "")[:30],
        start=_day(args.get("from")),
        end=_day(args.get("to")),
    )
    alliance = g.alliance
    return render_template(
        "learning/index.html",
        entries=services.find_entries(db.session, alliance, filters),
        filters=filters,
        kinds=KIND_LABELS,
        statuses=STATUS_LABELS,
        codes=[(p.code, f"({p.code}) {p.text[:60]}") for p in alliance.principles]
        + [(v.code, v.name) for v in alliance.values],
        filtered=any(
            args.get(k) for k in ("q", "kind", "status", "theme", "principle", "from", "to")
        ),
        can_write=_can_write(),
    )


def _choice(enum, value: str | None):
    return enum(value) if value in {member.value for member in enum} else None


def _day(value: str | None):
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = entry_form()
    status = 200
    if form.validate_on_submit():
        try:
            draft = draft_from(form, EntryKind(form.kind.data))
            entry = services.record_entry(db.session, current_actor(), g.alliance, draft)
        except DomainError as exc:
            form.title.errors = [*form.title.errors, exc.message]
            status = exc.status
        else:
            flash(f"{entry.reference} is in the learning log.", "success")
            return redirect(url_for("learning.show", number=entry.number))
    elif form.is_submitted():
        status = 400
    return render_template("learning/form.html", form=form, entry=None), status


@bp.route("/<int:number>")
def show(number: int):
    return render_entry(entry_or_404(number))


def render_entry(entry: LearningEntry, status: int = 200, **forms):
    """An entry's page; a form given here (with its errors) replaces the blank one."""
    forms = {
        "gate_form": GateForm(),
        "question_form": QuestionForm(),
        "answer_form": AnswerForm(),
        **forms,
    }
    page = render_template(
        "learning/show.html",
        entry=entry,
        gate=gate_of(entry),
        kinds=KIND_LABELS,
        statuses=STATUS_LABELS,
        statements=services.statements_citing(db.session, g.alliance, entry),
        can_write=_can_write(),
        on_board=services.on_the_board(db.session, g.alliance, g.membership),
        **forms,
    )
    return page, status


@bp.route("/<int:number>/edit", methods=["GET", "POST"])
def edit(number: int):
    entry = entry_or_404(number)
    form = entry_form()
    del form.kind  # what the entry is does not change
    status = 200
    if request.method == "GET":
        fill_form(form, entry)
    if form.validate_on_submit():
        try:
            draft = draft_from(form, entry.kind)
            based_on = int(form.based_on.data or 0)
            services.edit_entry(
                db.session, current_actor(), g.alliance, entry, draft, based_on=based_on
            )
        except DomainError as exc:
            form.title.errors = [*form.title.errors, exc.message]
            status = exc.status
        else:
            flash(f"{entry.reference} is now at revision {entry.revision}.", "success")
            return redirect(url_for("learning.show", number=entry.number))
    elif form.is_submitted():
        status = 400
    return render_template("learning/form.html", form=form, entry=entry), status


@bp.route("/<int:number>/gate", methods=["POST"])
def gate(number: int):
    entry = entry_or_404(number)
    form = GateForm()
    if form.validate_on_submit():
        answers = Gate(
            form.is_legal.data == "yes",
            form.legal_basis.data or "",
            form.is_safe.data == "yes",
            form.safe_basis.data or "",
        )
        try:
            services.answer_gate(db.session, current_actor(), g.alliance, entry, answers)
        except DomainError as exc:
            flash(exc.message, "error")
            db.session.rollback()
        else:
            flash(
                "It passed the gate and is running."
                if answers.passed
                else f"It stays an idea. {answers.why_not}",
                "success" if answers.passed else "info",
            )
        return redirect(url_for("learning.show", number=number, _anchor="gate"))
    return render_entry(entry, 400, gate_form=form)


@bp.route("/<int:number>/revisions")
def revisions(number: int):
    entry = entry_or_404(number)
    return render_template("learning/revisions.html", entry=entry, statuses=STATUS_LABELS)
