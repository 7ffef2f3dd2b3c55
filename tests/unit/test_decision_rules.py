"""The unanimity rules as tables, and a stateful check against a plain model."""

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from alliance.decisions.rules import (
    Abstention,
    Policy,
    Position,
    Result,
    Seat,
    close_problems,
    count,
    outcome,
    statement_contradicts,
    vote_problems,
    why,
)

A, S, D, B = Position.AGREE, Position.ABSTAIN, Position.DISAGREE, Position.BLOCK
STAND = Policy(Abstention.STAND_ASIDE)
BREAKS = Policy(Abstention.BREAKS_UNANIMITY)


def seats(*positions, recused=()):
    return [Seat(i, recused=i in recused, position=p) for i, p in enumerate(positions)]


@pytest.mark.parametrize(
    ("votes", "policy", "expected"),
    [
        # rule 4: every seat votes, nobody objects, at least one agrees
        ((A, A, A), STAND, Result.CARRIED),
        ((A, A, None), STAND, Result.NOT_CARRIED),  # one seat has not voted
        ((A, A, D), STAND, Result.NOT_CARRIED),  # a disagreement stops it
        ((A, A, B), STAND, Result.NOT_CARRIED),  # a block stops it
        ((S, S, S), STAND, Result.NOT_CARRIED),  # nobody agreed
        ((), STAND, Result.NOT_CARRIED),  # no seats at all
        # abstention is an alliance setting
        ((A, S, A), STAND, Result.CARRIED),
        ((A, S, A), BREAKS, Result.NOT_CARRIED),
        ((A, A, A), BREAKS, Result.CARRIED),
        # a quorum below all: enough seats voted and none objected
        ((A, A, None), Policy(Abstention.STAND_ASIDE, quorum=2), Result.CARRIED),
        ((A, None, None), Policy(Abstention.STAND_ASIDE, quorum=2), Result.NOT_CARRIED),
        ((A, D, None), Policy(Abstention.STAND_ASIDE, quorum=2), Result.NOT_CARRIED),
        ((A, A, A), Policy(Abstention.STAND_ASIDE, quorum=10), Result.CARRIED),  # capped at seats
    ],
)
def test_the_outcome_follows_the_rules(votes, policy, expected):
    assert outcome(seats(*votes), policy) is expected


@pytest.mark.parametrize(
    ("votes", "recused", "expected"),
    [
        ((A, A, None), {2}, Result.CARRIED),  # rule 2: unanimity over the remaining seats
        ((A, A, B), {2}, Result.CARRIED),  # a recused seat's block is not counted
        ((A, None, None), {1, 2}, Result.CARRIED),
        ((None, None), {0, 1}, Result.NOT_CARRIED),  # nobody left to agree
    ],
)
def test_recused_seats_are_outside_the_count(votes, recused, expected):
    assert outcome(seats(*votes, recused=recused), STAND) is expected


def test_the_latest_vote_of_a_seat_is_the_one_that_counts():
    before = seats(A, A, B)
    after = [*before[:2], Seat(2, position=A)]
    assert outcome(before, STAND) is Result.NOT_CARRIED
    assert outcome(after, STAND) is Result.CARRIED


def test_the_tally_says_who_is_still_to_vote():
    tally = count(seats(A, None, S, None, recused={3}), STAND)
    assert (tally.eligible, tally.voted, tally.waiting_for) == (3, 2, (1,))
    assert not tally.quorum_met and not tally.everyone_voted


@pytest.mark.parametrize(
    ("position", "reason", "citations", "problems"),
    [
        (A, "", [], 0),
        (S, "", [], 0),
        (D, "", [], 2),
        (D, "Costs fall on one provider", [], 1),
        (D, "", ["a"], 1),
        (B, "Unsafe for people using services", ["b"], 0),
        (B, "   ", ["b"], 1),
    ],
)
def test_disagree_and_block_need_a_reason_citing_a_principle_or_value(
    position, reason, citations, problems
):
    assert len(vote_problems(position, reason, citations)) == problems


def test_the_chair_closes_early_only_with_a_reason():
    assert close_problems(everyone_voted=False, reason="") != []
    assert close_problems(everyone_voted=False, reason="Deadline set by the agreement") == []
    assert close_problems(everyone_voted=True, reason="") == []


@pytest.mark.parametrize(
    ("result", "statement", "contradicts"),
    [
        (Result.CARRIED, "The board agreed to fund the outreach pilot.", False),
        (Result.CARRIED, "The proposal was not carried.", True),
        (Result.NOT_CARRIED, "The proposal was carried unanimously.", True),
        (Result.NOT_CARRIED, "Not carried: Harbour blocked on safety grounds.", False),
        (Result.NOT_CARRIED, "The board will revisit this in March.", False),
    ],
)
def test_an_outcome_statement_cannot_contradict_the_result(result, statement, contradicts):
    assert statement_contradicts(result, statement) is contradicts


def test_why_explains_a_block():
    assert "blocked" in why(seats(A, B), STAND)


def plain_model(votes: dict[int, Position], recused: set[int], n: int, policy: Policy) -> Result:
    """The rules written out the long way, to check the real ones against."""
    remaining = [i for i in range(n) if i not in recused]
    cast = [votes[i] for i in remaining if i in votes]
    needed = len(remaining) if policy.quorum is None else min(policy.quorum, len(remaining))
    if len(cast) < needed:
        return Result.NOT_CARRIED
    if Position.AGREE not in cast or Position.DISAGREE in cast or Position.BLOCK in cast:
        return Result.NOT_CARRIED
    if policy.abstention is Abstention.BREAKS_UNANIMITY and Position.ABSTAIN in cast:
        return Result.NOT_CARRIED
    return Result.CARRIED


class DecisionLifecycle(RuleBasedStateMachine):
    """Open, vote, change, recuse and close in any order; the rules agree with the model."""

    def __init__(self):
        super().__init__()
        self.n = 0
        self.policy = STAND
        self.votes: dict[int, Position] = {}
        self.recused: set[int] = set()
        self.history: list[tuple[int, Position]] = []
        self.closed_result: Result | None = None
        self.opened = False

    @rule(
        n=st.integers(min_value=1, max_value=8),
        abstention=st.sampled_from(list(Abstention)),
        quorum=st.one_of(st.none(), st.integers(min_value=1, max_value=8)),
    )
    @precondition(lambda self: not self.opened)
    def open(self, n, abstention, quorum):
        self.n, self.policy, self.opened = n, Policy(abstention, quorum), True

    @rule(seat=st.integers(min_value=0, max_value=7), position=st.sampled_from(list(Position)))
    @precondition(lambda self: self.opened and self.closed_result is None)
    def vote(self, seat, position):
        if seat < self.n:
            self.votes[seat] = position  # a change replaces the current vote
            self.history.append((seat, position))

    @rule(seat=st.integers(min_value=0, max_value=7))
    @precondition(lambda self: self.opened and self.closed_result is None)
    def recuse(self, seat):
        if seat < self.n:
            self.recused.add(seat)

    @rule()
    @precondition(lambda self: self.opened and self.closed_result is None)
    def close(self):
        real = [Seat(i, i in self.recused, self.votes.get(i)) for i in range(self.n)]
        self.closed_result = outcome(real, self.policy)
        assert self.closed_result is plain_model(self.votes, self.recused, self.n, self.policy)

    @rule()
    @precondition(lambda self: self.closed_result is not None)
    def propose_again(self):
        # After close the only way on is a new proposal (the deadlock path's resolution).
        self.__init__()

    @invariant()
    def history_keeps_every_vote(self):
        assert len(self.history) >= len(self.votes)


TestDecisionLifecycle = DecisionLifecycle.TestCase
TestDecisionLifecycle.settings = settings(max_examples=200, stateful_step_count=30, deadline=None)


@pytest.mark.parametrize(
    ("text", "pounds"),
    [("£12,500", "12500.00"), (" 1,234.56 ", "1234.56"), ("0.1", "0.10"), ("-5", "-5.00")],
)
def test_money_typed_by_people_is_read_exactly(text, pounds):
    from decimal import Decimal

    from alliance.money import parse_pounds

    assert parse_pounds(text) == Decimal(pounds)
    assert str(parse_pounds(text)) == pounds


@pytest.mark.parametrize("text", ["1.234", "1e6", "NaN", "inf", "12,50.0.1", "", "£", "ten"])
def test_text_that_is_not_money_is_refused(text):
    from alliance.money import MoneyError, parse_pounds

    with pytest.raises(MoneyError):
        parse_pounds(text)
