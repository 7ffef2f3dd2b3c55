"""The board's review pages: questions and answers on an entry, assurance statements."""

from flask import flash, g, redirect, render_template, url_for
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from alliance.db import db
from alliance.decisions.models import Decision
from alliance.errors import DomainError
from alliance.learning import services
from alliance.learning.forms import AnswerForm, QuestionForm, StatementForm
from alliance.learning.models import LearningEntry
from alliance.learning.views.common import bp, entry_or_404
from alliance.learning.views.entries import render_entry
from alliance.web import current_actor


@bp.route("/<int:number>/questions", methods=["POST"])
def ask(number: int):
    entry = entry_or_404(number)
    form = QuestionForm()
    if not form.validate_on_submit():
        return render_entry(entry, 400, question_form=form)
    question = services.ask_question(db.session, current_actor(), g.alliance, entry, form.text.data)
    flash("Your question is on the entry; its writers can answer it.", "success")
    return redirect(url_for("learning.show", number=number, _anchor=f"question-{question.id}"))


@bp.route("/<int:number>/questions/<int:question_id>/answers", methods=["POST"])
def answer(number: int, question_id: int):
    entry = entry_or_404(number)
    question = services.get_question(db.session, entry, question_id)
    form = AnswerForm()
    if not form.validate_on_submit():
        # The refused answer goes back under its own question; the others stay blank.
        return render_entry(entry, 400, failed_answer=form, answering=question.id)
    services.answer_question(db.session, current_actor(), g.alliance, question, form.text.data)
    flash("Your answer is in the thread.", "success")
    return redirect(url_for("learning.show", number=number, _anchor=f"question-{question.id}"))


@bp.route("/statements")
def statements():
    return render_template(
        "learning/statements.html",
        statements=services.statements_of(db.session, g.alliance),
        on_board=services.on_the_board(db.session, g.alliance, g.membership),
    )


@bp.route("/statements/new", methods=["GET", "POST"])
def new_statement():
    form = _statement_form()
    status = 200
    if form.validate_on_submit():
        draft = services.StatementDraft(
            period_start=form.period_start.data,
            period_end=form.period_end.data,
            assured_that=form.assured_that.data,
            because=form.because.data,
            figures=form.figures.data or "",
            entries=[int(n) for n in form.entries.data or []],
            decisions=list(form.decisions.data or []),
            revisits=form.revisits.data,
        )
        try:
            statement = services.record_statement(db.session, current_actor(), g.alliance, draft)
        except DomainError as exc:
            form.assured_that.errors = [*form.assured_that.errors, exc.message]
            status = exc.status
        else:
            flash(f"{statement.reference} is recorded; it cannot be changed.", "success")
            return redirect(url_for("learning.statement", number=statement.number))
    elif form.is_submitted():
        status = 400
    return render_template("learning/statement_form.html", form=form), status


@bp.route("/statements/<int:number>")
def statement(number: int):
    found = services.get_statement(db.session, g.alliance, number)
    entries = db.session.scalars(
        select(LearningEntry)
        .where(
            LearningEntry.alliance_id == g.alliance.id,
            LearningEntry.number.in_(found.rests_on.get("entries", [])),
        )
        .order_by(LearningEntry.number)
    ).all()
    decisions = db.session.scalars(
        select(Decision)
        .where(
            Decision.alliance_id == g.alliance.id,
            Decision.reference.in_(found.rests_on.get("decisions", [])),
        )
        .order_by(Decision.reference)
    ).all()
    return render_template(
        "learning/statement.html", statement=found, entries=entries, decisions=decisions
    )


def _statement_form() -> StatementForm:
    form = StatementForm()
    entries = db.session.scalars(
        select(LearningEntry)
        .where(LearningEntry.alliance_id == g.alliance.id)
        .order_by(LearningEntry.number.desc())
    ).all()
    form.entries.choices = [
        SelectChoice(str(e.number), f"{e.reference} {e.title}") for e in entries
    ]
    decisions = db.session.scalars(
        select(Decision)
        .where(Decision.alliance_id == g.alliance.id)
        .order_by(Decision.reference.desc())
    ).all()
    form.decisions.choices = [
        SelectChoice(d.reference, f"{d.reference} {d.title}") for d in decisions
    ]
    return form
