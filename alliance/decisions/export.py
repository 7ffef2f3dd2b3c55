"""The decision register as rows for CSV and xlsx: one row per decision, one per vote.

Each decision row ends with two columns per member organisation that held a seat in any
exported decision (alphabetical): its current vote and that vote's reason, so each reason
is a cell of its own.

The rows hold typed values (dates, aware UTC times, text); alliance.exports writes them
safely and shows times as the clock in London. Everything is read before the response is
returned, so nothing here runs once the request's session is closed.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session, selectinload

from alliance.decisions.models import Decision, Seat, Vote
from alliance.decisions.views.register import FILTERS, register_query
from alliance.filters import LONDON, label

DECISION_HEADER = (
    "Reference",
    "Title",
    "Kind",
    "Status",
    "Rests on",
    "Proposed on",
    "Opened at (UK time)",
    "Closes or closed at (UK time)",
    "Outcome",
    "Votes",
    "Rationale",
    "Outcome statement",
    "Supersedes",
)
VOTE_HEADER = (
    "Reference",
    "Organisation",
    "Position",
    "Reason",
    "Cited principles and values",
    "Cast by",
    "As",
    "Cast at (UK time)",
    "Current",
)


@dataclass(frozen=True)
class Register:
    decision_header: tuple[str, ...]
    decisions: list[tuple]
    votes: list[tuple]
    filters: dict[str, str]


def register_decisions(session: Session, args: Mapping[str, str]) -> list[Decision]:
    """The decisions the register page lists for these filters (of g.alliance), newest first.

    The filters and their 400s are the register page's own (views.register.register_query).
    """
    query = register_query(args).options(
        selectinload(Decision.supersedes),
        selectinload(Decision.seats).selectinload(Seat.organisation),
        selectinload(Decision.seats).selectinload(Seat.votes).selectinload(Vote.cast_by),
    )
    return list(session.scalars(query).all())


def _seats(decision: Decision) -> list[Seat]:
    return sorted(decision.seats, key=lambda s: (s.organisation.name.casefold(), s.id))


def _cites(codes) -> str:
    return ", ".join(codes or [])


def vote_summary(seat: Seat) -> str:
    """'Harbour Charity: block (cites b) — reason', or why the seat has no vote."""
    name = seat.organisation.name
    if seat.recused:
        return f"{name}: recused"
    vote = seat.current_vote
    if vote is None:
        return f"{name}: no vote"
    text = f"{name}: {vote.position.value}"
    if vote.citations:
        text += f" (cites {_cites(vote.citations)})"
    if vote.reason:
        text += f" — {vote.reason}"
    return text


def _seat_cells(seat: Seat | None) -> tuple[str, str]:
    if seat is None:
        return "", ""
    if seat.recused:
        return "recused", seat.recusal_note or ""
    vote = seat.current_vote
    return ("no vote", "") if vote is None else (vote.position.value, vote.reason)


def decision_row(decision: Decision, organisation_ids: list[int]) -> tuple:
    closes = decision.closed_at or decision.closes_at
    seats = {seat.organisation_id: seat for seat in decision.seats}
    return (
        decision.reference,
        decision.title,
        label(decision.kind),
        label(decision.status),
        _cites(decision.citation_codes),
        decision.created_at.astimezone(LONDON).date(),
        decision.opened_at,
        closes,
        label(decision.outcome.result) if decision.outcome else "",
        "\n".join(vote_summary(seat) for seat in _seats(decision)),
        decision.rationale,
        decision.outcome_statement or "",
        decision.supersedes.reference if decision.supersedes else "",
        *(cell for org_id in organisation_ids for cell in _seat_cells(seats.get(org_id))),
    )


def vote_rows(decision: Decision) -> list[tuple]:
    """Every vote in the decision's history: members alphabetically, then as cast."""
    return [
        (
            decision.reference,
            seat.organisation.name,
            vote.position.value,
            vote.reason,
            _cites(vote.citations),
            vote.cast_by.name,
            vote.cast_as.value,
            vote.cast_at,
            "yes" if vote.is_current else "no",
        )
        for seat in _seats(decision)
        for vote in sorted(seat.votes, key=lambda v: (v.cast_at, v.id))
    ]


def build_register(session: Session, args: Mapping[str, str]) -> Register:
    """The register of g.alliance for the register page's filters in args."""
    decisions = register_decisions(session, args)
    organisations = {s.organisation_id: s.organisation for d in decisions for s in d.seats}
    members = sorted(organisations.values(), key=lambda o: (o.name.casefold(), o.id))
    return Register(
        decision_header=(
            *DECISION_HEADER,
            *(f"{o.name}: {column}" for o in members for column in ("vote", "reason")),
        ),
        decisions=[decision_row(d, [o.id for o in members]) for d in decisions],
        votes=[row for d in decisions for row in vote_rows(d)],
        filters={name: args[name] for name in FILTERS if args.get(name)},
    )
