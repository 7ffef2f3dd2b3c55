"""Who may do what, and what a valid set of roles is. Pure: no Flask, no database."""

import enum
from collections.abc import Iterable

from alliance.members.models import OrganisationKind, Role


class Action(enum.StrEnum):
    READ = "read"
    EDIT_ALLIANCE = "edit_alliance"
    MANAGE_MEMBERS = "manage_members"
    MANAGE_APPOINTMENTS = "manage_appointments"
    DECLARE_INTEREST = "declare_interest"
    MANAGE_INTERESTS = "manage_interests"
    PROPOSE_DECISION = "propose_decision"
    EDIT_BUDGET_STRUCTURE = "edit_budget_structure"
    WRITE_LEARNING = "write_learning"
    REVIEW_LEARNING = "review_learning"
    RECORD_MEASURES = "record_measures"
    RECORD_CONTRIBUTION = "record_contribution"
    MANAGE_POOL = "manage_pool"


#: Every member reads everything (open book); writes by role.
PERMISSIONS: dict[Action, frozenset[Role]] = {
    Action.READ: frozenset(Role),
    Action.EDIT_ALLIANCE: frozenset({Role.MANAGER}),
    Action.MANAGE_MEMBERS: frozenset({Role.MANAGER}),
    Action.MANAGE_APPOINTMENTS: frozenset({Role.MANAGER}),
    Action.DECLARE_INTEREST: frozenset(Role) - {Role.OBSERVER},
    Action.MANAGE_INTERESTS: frozenset({Role.MANAGER}),
    Action.PROPOSE_DECISION: frozenset({Role.MANAGER, Role.COMMISSIONER}),
    #: Financial years, cost categories and service lines of the open-book ledgers.
    Action.EDIT_BUDGET_STRUCTURE: frozenset({Role.MANAGER}),
    #: Learning belongs to the alliance: anyone but an observer writes and edits entries.
    Action.WRITE_LEARNING: frozenset(Role) - {Role.OBSERVER},
    #: The board asks questions on entries and records assurance statements (the chair,
    #: and managers acting as chair, too: see learning.services).
    Action.REVIEW_LEARNING: frozenset({Role.BOARD_REPRESENTATIVE, Role.BOARD_ALTERNATE}),
    #: Mandatory target data comes from commissioners; the manager keeps the measures.
    Action.RECORD_MEASURES: frozenset({Role.MANAGER, Role.COMMISSIONER}),
    #: Each commissioner records their own organisation's money into the pool.
    Action.RECORD_CONTRIBUTION: frozenset({Role.COMMISSIONER}),
    #: The manager records what the board agreed: opening allocations and the risk share.
    Action.MANAGE_POOL: frozenset({Role.MANAGER}),
}


def allowed(roles: Iterable[Role], action: Action) -> bool:
    return bool(PERMISSIONS[action] & set(roles))


#: Roles that must use a second factor when their alliance requires one: those who run
#: the alliance or hold its seats (the chair is appointed from the board).
SECOND_FACTOR_ROLES = frozenset({Role.MANAGER, Role.BOARD_REPRESENTATIVE, Role.BOARD_ALTERNATE})


def needs_second_factor(roles: Iterable[Role], *, alliance_requires: bool) -> bool:
    return alliance_requires and bool(SECOND_FACTOR_ROLES & set(roles))


#: Roles held for one organisation, so they need the person's organisation.
ORGANISATION_ROLES = frozenset({Role.FINANCE_LEAD, Role.BOARD_REPRESENTATIVE, Role.BOARD_ALTERNATE})


def role_problems(roles: Iterable[Role], organisation_kind: OrganisationKind | None) -> list[str]:
    """Say what is wrong with giving these roles to a person of this kind of organisation."""
    roles = set(roles)
    problems = []
    if not roles:
        problems.append("Choose at least one role")
    if organisation_kind is None and roles & ORGANISATION_ROLES:
        problems.append("Finance leads and board seats act for an organisation: choose one")
    if Role.COMMISSIONER in roles and organisation_kind not in (
        None,
        OrganisationKind.COMMISSIONER,
    ):
        problems.append("Only people from a commissioning organisation can be commissioners")
    if Role.COMMISSIONER in roles and organisation_kind is None:
        problems.append("A commissioner acts for a commissioning organisation: choose one")
    if {Role.BOARD_REPRESENTATIVE, Role.BOARD_ALTERNATE} <= roles:
        problems.append("One person cannot be both the representative and the alternate")
    if Role.OBSERVER in roles and len(roles) > 1:
        problems.append("Observers read everything and change nothing: give no other role")
    return problems
