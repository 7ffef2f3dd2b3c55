"""The Record page and what each event says about who acted."""

from sqlalchemy import select

from alliance.audit.models import AuditEvent
from alliance.audit.services import chain_for
from alliance.db import db


def _latest(app, world, action):
    with app.app_context():
        chain = chain_for(db.session, world.alliance_id)
        return db.session.execute(
            select(AuditEvent.actor_label, AuditEvent.organisation_id, AuditEvent.ip_address)
            .where(AuditEvent.chain_id == chain.id, AuditEvent.action == action)
            .order_by(AuditEvent.seq.desc())
        ).first()


def test_an_event_names_the_organisation_the_actor_acts_for(app, world, browser):
    browser.sign_in(world.emails["board_representative"])
    browser.get("/alliances/riverside/members/interests")
    response = browser.post(
        "/alliances/riverside/members/interests",
        {
            "kind": "financial",
            "description": "Shares in a supplier",
            "organisation_id": world.orgs["charity"],
        },
    )
    assert response.status_code == 302
    event = _latest(app, world, "interest_declare")
    assert event.actor_label == world.emails["board_representative"]
    assert event.organisation_id == world.orgs["trust"]
    assert event.ip_address == "127.0.0.1"


def test_the_record_page_shows_the_head_hash_and_newest_events_first(app, world, browser):
    browser.sign_in(world.emails["observer"])
    page = browser.get("/alliances/riverside/record").get_data(as_text=True)
    with app.app_context():
        chain = chain_for(db.session, world.alliance_id)
        head_hash, head_seq = chain.head_hash, chain.head_seq
    assert head_hash in page
    assert page.index(f">{head_seq}<") < page.index(">1<")


def test_the_record_page_filters_by_action(world, browser):
    browser.sign_in(world.emails["observer"])
    page = browser.get("/alliances/riverside/record?action=organisation_add").get_data(as_text=True)
    assert "Harbour Charity" in page
    assert "member_add</td>" not in page and "member_add<br>" not in page


def test_a_bad_date_filter_is_a_plain_400(world, browser):
    browser.sign_in(world.emails["observer"])
    response = browser.get("/alliances/riverside/record?from=yesterday")
    assert response.status_code == 400
    assert "2026-04-01" in response.get_data(as_text=True)


def test_text_in_the_record_is_shown_inert(world, browser):
    browser.sign_in(world.emails["board_representative"])
    browser.get("/alliances/riverside/members/interests")
    browser.post(
        "/alliances/riverside/members/interests",
        {"kind": "indirect", "description": '<script>alert("x")</script>'},
    )
    page = browser.get("/alliances/riverside/record").get_data(as_text=True)
    assert '<script>alert("x")</script>' not in page
    assert "&lt;script&gt;" in page
