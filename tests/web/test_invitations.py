"""Inviting a person: a single-use, expiring link that signs them up with the invited roles."""

import html
import re
from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import func, select, update

from alliance.auth.services import user_by_email
from alliance.db import db, utcnow
from alliance.members.models import Alliance, Invitation, Membership, Role
from alliance.members.services import membership_of

INVITATIONS = "/alliances/riverside/members/invitations"
NEW_EMAIL = "nia.newcomer@harbour.example"
NEW_PASSWORD = "kettle lighthouse marmalade"
LINK_RE = re.compile(r'id="invitation-link">\s*([^<\s]+)\s*<')


def invite(browser, world, *, roles, organisation=None, email=NEW_EMAIL):
    """The manager fills in the invitation form; returns the response."""
    browser.sign_in(world.emails["manager"])
    browser.get(INVITATIONS)
    return browser.post(
        INVITATIONS,
        {
            "name": "Nia Newcomer",
            "email": email,
            "organisation": str(world.orgs[organisation]) if organisation else "",
            "roles": roles,
        },
    )


def link_path(response) -> str:
    """The path of the invitation link shown once on the page."""
    match = LINK_RE.search(response.get_data(as_text=True))
    assert match, "the page shows no invitation link"
    return urlsplit(html.unescape(match.group(1))).path


def accept(browser, path, *, password=NEW_PASSWORD, name="Nia Newcomer", **extra):
    browser.get(path)
    return browser.post(
        path, {"name": name, "new_password": password, "confirm": password, **extra}
    )


def invitation_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Invitation))


def place_of(app, world, email) -> tuple[set[Role], int | None] | None:
    """The person's roles and organisation in riverside, or None if they are not in it."""
    with app.app_context():
        user = user_by_email(db.session, email)
        if user is None:
            return None
        membership = membership_of(db.session, db.session.get(Alliance, world.alliance_id), user)
        return (membership.roles, membership.organisation_id) if membership else None


def test_an_invited_person_joins_signed_in_with_the_invited_roles(app, world, browser, new_browser):
    path = link_path(invite(browser, world, roles=["finance_lead"], organisation="charity"))
    newcomer = new_browser()

    response = accept(newcomer, path)

    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/alliances/riverside/"
    dashboard = newcomer.get("/alliances/riverside/")
    assert dashboard.status_code == 200
    page = dashboard.get_data(as_text=True)
    assert "Signed in as Nia Newcomer" in page
    assert "Finance lead" in page
    assert place_of(app, world, NEW_EMAIL) == ({Role.FINANCE_LEAD}, world.orgs["charity"])


def test_an_invitation_link_is_shown_once(app, world, browser):
    invite(browser, world, roles=["observer"])

    page = browser.get(INVITATIONS).get_data(as_text=True)

    assert 'id="invitation-link"' not in page
    assert NEW_EMAIL in page


def test_an_invitation_link_used_a_second_time_answers_404_with_a_plain_message(
    app, world, browser, new_browser
):
    path = link_path(invite(browser, world, roles=["observer"]))
    assert accept(new_browser(), path).status_code == 302

    again = new_browser().get(path)

    assert again.status_code == 404
    assert "has expired or has already been used" in again.get_data(as_text=True)


def test_an_expired_invitation_answers_404_and_nobody_joins(app, world, browser, new_browser):
    path = link_path(invite(browser, world, roles=["observer"]))
    with app.app_context():
        db.session.execute(update(Invitation).values(expires_at=utcnow() - timedelta(minutes=1)))
        db.session.commit()
    latecomer = new_browser()

    opened = latecomer.get(path)
    posted = latecomer.post(
        path, {"name": "Nia", "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )

    assert opened.status_code == posted.status_code == 404
    assert "has expired or has already been used" in opened.get_data(as_text=True)
    assert place_of(app, world, NEW_EMAIL) is None


def test_a_weak_password_is_refused_with_a_message_and_the_link_still_works(
    app, world, browser, new_browser
):
    path = link_path(invite(browser, world, roles=["observer"]))
    newcomer = new_browser()

    refused = accept(newcomer, path, password="password123")

    assert refused.status_code == 422
    assert "Password must be 15 characters or more" in refused.get_data(as_text=True)
    assert place_of(app, world, NEW_EMAIL) is None
    assert accept(newcomer, path).status_code == 302
    assert place_of(app, world, NEW_EMAIL) == ({Role.OBSERVER}, None)


def test_accepting_ignores_extra_fields_asking_for_more_roles(app, world, browser, new_browser):
    path = link_path(invite(browser, world, roles=["observer"]))

    response = accept(
        new_browser(),
        path,
        roles="manager",
        role="manager",
        organisation_id=str(world.orgs["council"]),
        alliance_id=str(world.other_alliance_id),
    )

    assert response.status_code == 302
    with app.app_context():
        user = user_by_email(db.session, NEW_EMAIL)
        memberships = db.session.scalars(
            select(Membership).where(Membership.user_id == user.id)
        ).all()
        assert [(m.alliance_id, m.organisation_id, m.roles) for m in memberships] == [
            (world.alliance_id, None, {Role.OBSERVER})
        ]


def test_inviting_a_finance_lead_without_an_organisation_is_refused_with_a_message(
    app, world, browser
):
    response = invite(browser, world, roles=["finance_lead"])

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Finance leads and board seats act for an organisation: choose one" in page
    assert 'id="invitation-link"' not in page
    assert invitation_count(app) == 0


def test_inviting_a_second_board_representative_for_an_organisation_is_refused(app, world, browser):
    response = invite(browser, world, roles=["board_representative"], organisation="trust")

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Vale Trust already has a board representative" in page
    assert 'id="invitation-link"' not in page
    assert invitation_count(app) == 0
