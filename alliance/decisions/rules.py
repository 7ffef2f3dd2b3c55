"""The unanimity rules, in one place. Pure: no Flask, no SQLAlchemy, no clock.

DESIGN.md §2.2: one seat per member organisation; the latest vote of a seat counts;
recused seats are outside the count; carried only if the quorum of the remaining seats
has voted (every seat unless the alliance set a lower quorum), nobody disagrees or
blocks, at least one agrees, and, where the alliance says an abstention breaks
unanimity, nobody abstains.
"""

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


class Position(enum.StrEnum):
    AGREE = "agree"
    ABSTAIN = "abstain"
    DISAGREE = "disagree"
    BLOCK = "block"


class Result(enum.StrEnum):
    CARRIED = "carried"
    NOT_CARRIED = "not_carried"
    WITHDRAWN = "withdrawn"


class Abstention(enum.StrEnum):
    STAND_ASIDE = "stand_aside"
    BREAKS_UNANIMITY = "breaks_unanimity"


#: Positions that need a reason citing at least one principle or value.
OBJECTIONS = frozenset({Position.DISAGREE, Position.BLOCK})


@dataclass(frozen=True)
class Policy:
    abstention: Abstention
    #: Seats that must vote; None means every seat that is not recused.
    quorum: int | None = None


@dataclass(frozen=True)
class Seat:
    seat_id: int
    recused: bool = False
    #: The seat's current (latest) vote, or None if it has not voted.
    position: Position | None = None


@dataclass(frozen=True)
class Tally:
    eligible: int
    voted: int
    quorum_needed: int
    agree: int
    abstain: int
    disagree: int
    block: int
    waiting_for: tuple[int, ...]

    @property
    def quorum_met(self) -> bool:
        return self.voted >= self.quorum_needed

    @property
    def everyone_voted(self) -> bool:
        return not self.waiting_for


def count(seats: Iterable[Seat], policy: Policy) -> Tally:
    """Count the current votes of the seats that are not recused."""
    eligible = [s for s in seats if not s.recused]
    positions = [s.position for s in eligible if s.position is not None]
    needed = len(eligible) if policy.quorum is None else min(policy.quorum, len(eligible))
    return Tally(
        eligible=len(eligible),
        voted=len(positions),
        quorum_needed=needed,
        agree=positions.count(Position.AGREE),
        abstain=positions.count(Position.ABSTAIN),
        disagree=positions.count(Position.DISAGREE),
        block=positions.count(Position.BLOCK),
        waiting_for=tuple(s.seat_id for s in eligible if s.position is None),
    )


def outcome(seats: Sequence[Seat], policy: Policy) -> Result:
    """Carried or not carried, from the current votes and the policy stored on the decision."""
    tally = count(seats, policy)
    if not tally.quorum_met or tally.agree == 0:
        return Result.NOT_CARRIED
    if tally.disagree or tally.block:
        return Result.NOT_CARRIED
    if policy.abstention is Abstention.BREAKS_UNANIMITY and tally.abstain:
        return Result.NOT_CARRIED
    return Result.CARRIED


def why(seats: Sequence[Seat], policy: Policy) -> str:
    """Say in a sentence why the outcome is what it is."""
    tally = count(seats, policy)
    result = outcome(seats, policy)
    if result is Result.CARRIED:
        return (
            f"Carried: {tally.agree} agreed, {tally.abstain} stood aside, none disagreed "
            "or blocked."
        )
    if not tally.quorum_met:
        return f"Not carried: {tally.voted} of the {tally.quorum_needed} seats needed voted."
    if tally.block:
        return f"Not carried: {tally.block} seat(s) blocked."
    if tally.disagree:
        return f"Not carried: {tally.disagree} seat(s) disagreed."
    if tally.agree == 0:
        return "Not carried: no seat agreed."
    return (
        f"Not carried: {tally.abstain} seat(s) abstained, which this alliance counts as "
        "breaking unanimity."
    )


def vote_problems(position: Position, reason: str, citations: Iterable[str]) -> list[str]:
    """Say what is missing from a vote (empty when it can be cast)."""
    if position not in OBJECTIONS:
        return []
    problems = []
    if not reason.strip():
        problems.append(f"Give a reason to {position.value}")
    if not list(citations):
        problems.append(f"Cite at least one principle or value to {position.value}")
    return problems


def close_problems(*, everyone_voted: bool, reason: str) -> list[str]:
    """The chair may close once every seat has voted; before that only with a reason."""
    if everyone_voted or reason.strip():
        return []
    return ["Give a reason for closing before every seat has voted"]


def statement_contradicts(result: Result, statement: str) -> bool:
    """True when an outcome statement says the opposite of the computed result."""
    text = " ".join(statement.casefold().split())
    negated = any(p in text for p in ("not carried", "was not agreed", "not agreed", "rejected"))
    if result is Result.CARRIED:
        return negated
    if result is Result.NOT_CARRIED:
        affirmed = any(p in text for p in ("carried", "agreed", "approved"))
        return affirmed and not negated
    return False
