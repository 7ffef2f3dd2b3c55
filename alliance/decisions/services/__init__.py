"""Propose, open, vote, close and follow the deadlock path. Services flush; callers commit."""

from alliance.decisions.services.common import (
    InvalidProposal,
    InvalidVote,
    NotChair,
    NotEligibleToVote,
    StatementContradicts,
    VotingClosed,
    WordingFrozen,
    closed_message,
    decision_by_reference,
    is_chair,
    policy_of,
    rule_seats,
)
from alliance.decisions.services.deadlocks import record_deadlock_step
from alliance.decisions.services.proposals import (
    BudgetEffectDraft,
    edit_draft,
    next_reference,
    open_voting,
    propose,
    recuse_seat,
)
from alliance.decisions.services.reminders import send_reminders
from alliance.decisions.services.voting import (
    cast_vote,
    close_decision,
    close_due,
    close_if_due,
    sign_off_reserved,
    withdraw,
    write_statement,
)

__all__ = [
    "BudgetEffectDraft",
    "InvalidProposal",
    "InvalidVote",
    "NotChair",
    "NotEligibleToVote",
    "StatementContradicts",
    "VotingClosed",
    "WordingFrozen",
    "cast_vote",
    "close_decision",
    "close_due",
    "close_if_due",
    "closed_message",
    "decision_by_reference",
    "edit_draft",
    "is_chair",
    "next_reference",
    "open_voting",
    "policy_of",
    "propose",
    "record_deadlock_step",
    "recuse_seat",
    "rule_seats",
    "send_reminders",
    "sign_off_reserved",
    "withdraw",
    "write_statement",
]
