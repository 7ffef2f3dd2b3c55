"""Who may do what, and which roles fit together, as pure functions."""

import pytest

from alliance.members.models import OrganisationKind, Role
from alliance.members.rules import PERMISSIONS, Action, allowed, role_problems
from alliance.safe_redirect import safe_next


def test_every_role_may_read_everything():
    assert all(allowed({role}, Action.READ) for role in Role)


@pytest.mark.parametrize("action", [a for a in Action if a is not Action.READ])
def test_observers_may_change_nothing(action):
    assert not allowed({Role.OBSERVER}, action)


def test_only_managers_manage_members():
    assert {r for r in Role if allowed({r}, Action.MANAGE_MEMBERS)} == {Role.MANAGER}


def test_every_action_has_a_permission_entry():
    assert set(PERMISSIONS) == set(Action)


@pytest.mark.parametrize(
    ("roles", "kind", "problem"),
    [
        (set(), OrganisationKind.PROVIDER, "at least one role"),
        ({Role.FINANCE_LEAD}, None, "act for an organisation"),
        ({Role.BOARD_REPRESENTATIVE}, None, "act for an organisation"),
        ({Role.COMMISSIONER}, OrganisationKind.PROVIDER, "commissioning organisation"),
        ({Role.BOARD_REPRESENTATIVE, Role.BOARD_ALTERNATE}, OrganisationKind.PROVIDER, "both"),
        ({Role.OBSERVER, Role.FINANCE_LEAD}, OrganisationKind.PROVIDER, "no other role"),
    ],
)
def test_roles_that_do_not_fit_are_refused(roles, kind, problem):
    assert any(problem in p for p in role_problems(roles, kind))


@pytest.mark.parametrize(
    ("roles", "kind"),
    [
        ({Role.COMMISSIONER, Role.BOARD_REPRESENTATIVE}, OrganisationKind.COMMISSIONER),
        ({Role.FINANCE_LEAD, Role.BOARD_ALTERNATE}, OrganisationKind.PROVIDER),
        ({Role.OBSERVER}, None),
        ({Role.MANAGER}, None),
    ],
)
def test_roles_that_fit_are_accepted(roles, kind):
    assert role_problems(roles, kind) == []


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "javascript:alert(1)",
        "evil.example",
        "/ok\r\nLocation: https://evil.example",
    ],
)
def test_next_never_leaves_the_site(target):
    assert safe_next(target, "/home") == "/home"


def test_next_follows_a_path_on_this_site():
    assert (
        safe_next("/alliances/riverside/record?action=x", "/home")
        == "/alliances/riverside/record?action=x"
    )
