"""Record and edit learning entries, answer the gate, cite decisions and ledger lines."""

from dataclasses import dataclass, field, fields
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from alliance.actors import Actor
from alliance.db import utcnow
from alliance.decisions.models import Decision
from alliance.errors import NotFound
from alliance.learning import rules
from alliance.learning.models import (
    EntryCitation,
    EntryRevision,
    LearningEntry,
)
from alliance.learning.rules import EntryKind, EntryStatus, Gate, NextStep
from alliance.learning.services.common import (
    EditedMeanwhile,
    InvalidEntry,
    cited_decision,
    entry_numbered,
    record_learning_event,
    require_writer,
)
from alliance.learning.services.search import index_entry
from alliance.ledgers.models import LedgerLine, LedgerVersion, ServiceLine
from alliance.members.models import Alliance


@dataclass
class EntryDraft:
    """An entry as written on the form or sent to the API."""

    kind: EntryKind
    title: str
    summary: str = ""
    involved: str = ""
    status: EntryStatus = EntryStatus.IDEA
    starts_on: date | None = None
    ends_on: date | None = None
    happened: str = ""
    learned_good: str = ""
    learned_bad: str = ""
    next_step: NextStep | None = None
    next_step_note: str = ""
    themes: list[str] = field(default_factory=list)
    principles: list[str] = field(default_factory=list)
    values: list[str] = field(default_factory=list)
    links: str = ""
    #: What it cites: decision references, ledger line ids, service line names.
    decisions: list[str] = field(default_factory=list)
    ledger_lines: list[int] = field(default_factory=list)
    service_lines: list[str] = field(default_factory=list)


#: The fields an edit may change, kept whole in each revision.
TEXT_FIELDS = tuple(
    f.name
    for f in fields(EntryDraft)
    if f.name not in ("kind", "decisions", "ledger_lines", "service_lines")
)


def record_entry(
    session: Session, actor: Actor, alliance: Alliance, draft: EntryDraft
) -> LearningEntry:
    """A new entry of the alliance, written by this person: revision 1, on the record."""
    require_writer(session, actor, alliance)
    _check(draft, Gate(None, "", None, ""), alliance)
    entry = LearningEntry(alliance_id=alliance.id, kind=draft.kind, author=actor.user)
    _apply(entry, draft)
    for attempt in range(5):  # two people recording at once: the second takes the next number
        entry.number = (
            session.scalar(
                select(func.max(LearningEntry.number)).where(
                    LearningEntry.alliance_id == alliance.id
                )
            )
            or 0
        ) + 1
        try:
            with session.begin_nested():
                session.add(entry)
                session.flush()
            break
        except IntegrityError:
            if attempt == 4:
                raise
    _cite(session, alliance, entry, draft)
    _keep_revision(session, actor, entry)
    index_entry(session, entry)
    record_learning_event(
        session,
        actor,
        alliance,
        "learning_entry_record",
        entry,
        {"reference": entry.reference, "kind": entry.kind.value, "title": entry.title},
    )
    return entry


def edit_entry(
    session: Session,
    actor: Actor,
    alliance: Alliance,
    entry: LearningEntry,
    draft: EntryDraft,
    *,
    based_on: int,
) -> LearningEntry:
    """A new revision of the whole entry; the earlier ones stay readable. ``based_on`` is
    the revision the person edited, so two people never overwrite each other unseen."""
    require_writer(session, actor, alliance)
    if entry.revision != based_on:
        raise EditedMeanwhile(
            f"{entry.reference} was edited meanwhile (it is now at revision {entry.revision}); "
            "read the new text and make your change again."
        )
    draft.kind = entry.kind  # the kind is what the entry is; it does not change
    _check(draft, rules.gate_of(entry), alliance)
    changed = [name for name in TEXT_FIELDS if getattr(entry, name) != getattr(draft, name)]
    _apply(entry, draft)
    for citation in list(entry.citations):
        session.delete(citation)
    session.flush()
    _cite(session, alliance, entry, draft)
    entry.revision += 1
    entry.updated_at = utcnow()
    _keep_revision(session, actor, entry)
    index_entry(session, entry)
    record_learning_event(
        session,
        actor,
        alliance,
        "learning_entry_edit",
        entry,
        {"reference": entry.reference, "revision": entry.revision, "changed": changed},
    )
    return entry


def answer_gate(
    session: Session,
    actor: Actor,
    alliance: Alliance,
    entry: LearningEntry,
    gate: Gate,
) -> LearningEntry:
    """Record an experiment's answers to "Is it legal?" and "Is it safe?". Two yeses start
    it (an idea becomes running); a no keeps it an idea, with the reason on the record."""
    require_writer(session, actor, alliance)
    if entry.kind is not EntryKind.EXPERIMENT:
        raise InvalidEntry("Only an experiment passes the gate.")
    problems = gate.problems()
    if problems:
        raise InvalidEntry(" ".join(problems))
    entry.is_legal, entry.legal_basis = gate.is_legal, gate.legal_basis.strip()
    entry.is_safe, entry.safe_basis = gate.is_safe, gate.safe_basis.strip()
    if gate.passed and entry.status is EntryStatus.IDEA:
        entry.status = EntryStatus.RUNNING
    elif not gate.passed:
        entry.status = EntryStatus.IDEA
    entry.revision += 1
    entry.updated_at = utcnow()
    session.flush()
    _keep_revision(session, actor, entry)
    index_entry(session, entry)
    record_learning_event(
        session,
        actor,
        alliance,
        "learning_gate_answer",
        entry,
        {
            "reference": entry.reference,
            "legal": gate.is_legal,
            "safe": gate.is_safe,
            "passed": gate.passed,
            "reason": gate.why_not or None,
        },
    )
    return entry


def get_entry(session: Session, alliance: Alliance, number: int) -> LearningEntry:
    return entry_numbered(session, alliance, number, NotFound)


def entries_citing_decision(session: Session, decision: Decision) -> list[LearningEntry]:
    cited = select(EntryCitation.entry_id).where(EntryCitation.decision_id == decision.id)
    return _entries_in(session, cited)


def entries_citing_version(session: Session, version: LedgerVersion) -> list[LearningEntry]:
    """Entries that cite any line of this ledger version."""
    cited = (
        select(EntryCitation.entry_id)
        .join(LedgerLine, LedgerLine.id == EntryCitation.ledger_line_id)
        .where(LedgerLine.version_id == version.id)
    )
    return _entries_in(session, cited)


def _entries_in(session: Session, ids) -> list[LearningEntry]:
    # A subquery, not a join with DISTINCT: PostgreSQL cannot compare the JSON columns.
    return list(
        session.scalars(
            select(LearningEntry).where(LearningEntry.id.in_(ids)).order_by(LearningEntry.number)
        )
    )


# --- inside ------------------------------------------------------------------------------


def _check(draft: EntryDraft, gate: Gate, alliance: Alliance) -> None:
    problems = []
    draft.title = " ".join(draft.title.split())
    if not draft.title:
        problems.append("Give the entry a title.")
    elif len(draft.title) > rules.TITLE_LIMIT:
        problems.append(f"Keep the title to {rules.TITLE_LIMIT} characters.")
    for problem in (
        rules.dates_problem(draft.starts_on, draft.ends_on),
        rules.status_problem(draft.kind, gate, draft.status),
    ):
        if problem:
            problems.append(problem)
    draft.themes = rules.clean_themes(draft.themes)
    known = {p.code for p in alliance.principles} | {v.code for v in alliance.values}
    unknown = sorted(set(draft.principles + draft.values) - known)
    if unknown:
        problems.append(f"Not a principle or value of this alliance: {', '.join(unknown)}.")
    if problems:
        raise InvalidEntry(" ".join(problems))


def _apply(entry: LearningEntry, draft: EntryDraft) -> None:
    for name in TEXT_FIELDS:
        setattr(entry, name, getattr(draft, name))


def _cite(session: Session, alliance: Alliance, entry: LearningEntry, draft: EntryDraft) -> None:
    for reference in dict.fromkeys(draft.decisions):
        decision = cited_decision(session, alliance, reference)
        session.add(EntryCitation(entry_id=entry.id, decision_id=decision.id))
    for line_id in dict.fromkeys(draft.ledger_lines):
        line = session.scalar(
            select(LedgerLine)
            .join(LedgerVersion)
            .where(LedgerLine.id == line_id, LedgerVersion.alliance_id == alliance.id)
        )
        if line is None:
            raise InvalidEntry(f"There is no ledger line {line_id} in this alliance.")
        session.add(EntryCitation(entry_id=entry.id, ledger_line_id=line.id))
    for name in dict.fromkeys(draft.service_lines):
        service = session.scalar(
            select(ServiceLine).where(
                ServiceLine.alliance_id == alliance.id, ServiceLine.name == name.strip()
            )
        )
        if service is None:
            raise InvalidEntry(f"There is no service line “{name}” in this alliance.")
        session.add(EntryCitation(entry_id=entry.id, service_line_id=service.id))
    session.flush()


def _keep_revision(session: Session, actor: Actor, entry: LearningEntry) -> None:
    content = {
        name: (value.isoformat() if isinstance(value, date) else value)
        for name in (*TEXT_FIELDS, "is_legal", "legal_basis", "is_safe", "safe_basis")
        for value in [getattr(entry, name)]
    }
    session.refresh(entry, ["citations"])
    # What it cited at this revision, as people name them (citations are replaced on edit).
    content["cites"] = [
        c.decision.reference
        if c.decision_id
        else f"ledger line {c.ledger_line_id}"
        if c.ledger_line_id
        else c.service_line.name
        for c in entry.citations
    ]
    session.add(
        EntryRevision(
            entry_id=entry.id, number=entry.revision, content=content, edited_by=actor.user
        )
    )
    session.flush()
