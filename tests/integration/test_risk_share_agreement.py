"""The risk share agreement on a real database: the manager records it, impossible terms
are refused with the reason, a newer agreement is the one in force while the older stays
on the record, and the stored terms share a gain or a loss to the penny."""

from decimal import Decimal as D

import pytest
from sqlalchemy import select

from alliance.audit.models import AuditEvent
from alliance.db import db
from alliance.errors import DomainError, Forbidden
from alliance.members.models import Alliance
from alliance.reports import rules
from alliance.reports import services as pool
from tests.integration.decision_board import board_fixture  # noqa: F401 (the fixture)
from tests.integration.pool_world import (  # noqa: F401 (pool_world_fixture: the fixture)
    YEAR,
    organisation,
    pool_world_fixture,
)

PROVIDERS = ("Provider 00", "Provider 01", "Provider 02")
SHARES = {
    "Council": "40.00",
    "Provider 00": "20.00",
    "Provider 01": "20.00",
    "Provider 02": "20.00",
}
UPPER = {"Council": "70.00", "Provider 00": "10.00", "Provider 01": "10.00", "Provider 02": "10.00"}


def percents(shares: dict[str, str]) -> dict:
    return {organisation(name): D(p) for name, p in shares.items()}


def agree(world, shares=SHARES, year=YEAR, **kw):
    return world.agree(shares, year=year, **kw)


def test_the_manager_records_the_agreement_and_the_report_reads_it(app, pool_world):
    with app.app_context():
        row = agree(
            pool_world,
            bands=[(D("100000.00"), {}), (None, percents(UPPER))],
            provider_cap=D("50000.00"),
            note="  Schedule 3 ",
        )
        db.session.expire_all()
        terms = pool.risk_share_terms(db.session, pool_world.alliance(), YEAR)
        assert terms.agreement.id == row.id and terms.agreement.note == "Schedule 3"
        assert {m.name: (m.percent, m.is_provider) for m in terms.members} == {
            "Council": (D("40.00"), False),
            **{name: (D("20.00"), True) for name in PROVIDERS},
        }
        assert terms.bands == [
            rules.Band(D("100000.00"), {}),
            rules.Band(None, {name: D(p) for name, p in UPPER.items()}),
        ]
        assert terms.provider_cap == D("50000.00")


@pytest.mark.parametrize(
    ("who", "shares", "kw", "error", "message"),
    [
        ("chair", {**SHARES, "Council": "39.99"}, {}, DomainError, r"total 99\.99%, not 100%"),
        ("chair", {**SHARES, "Council": "60.00"}, {}, DomainError, r"total 120\.00%, not 100%"),
        ("chair", {**SHARES, "Council": "-10.00", "Provider 00": "70.00"}, {}, DomainError, "neg"),
        ("chair", SHARES, {"provider_cap": D("-0.01")}, DomainError, "not negative"),
        ("chair", {**SHARES, "Council": "39.995", "Provider 00": "20.005"}, {}, DomainError, "two"),
        (
            "chair",
            SHARES,
            {"bands": [(D("1000.00"), {}), (None, {**UPPER, "Council": "69.00"})]},
            DomainError,
            r"A band's shares total 99\.00%, not 100%",
        ),
        (
            "chair",
            SHARES,
            {"bands": [(D("1000.00"), {}), (None, {"Council": "100.00"})]},
            DomainError,
            "to every member, or to none",
        ),
        (
            "chair",
            SHARES,
            {"bands": [(D("1000.00"), {}), (D("1000.00"), {}), (None, {})]},
            DomainError,
            "Bands must rise",
        ),
        ("chair", SHARES, {"bands": [(None, {}), (D("5.00"), {})]}, DomainError, "open-ended"),
        (
            "chair",
            {"Provider 00": "50.00", "Provider 01": "50.00"},
            {"provider_cap": D("1000.00")},
            DomainError,
            "A cap needs commissioners",
        ),
        (
            "chair",
            SHARES,
            {
                "bands": [
                    (D("10.00"), {}),
                    (None, {**UPPER, "Council": "150.00", "Provider 00": "-50.00"}),
                ]
            },
            DomainError,
            "band's share cannot be negative",
        ),  # else a provider would gain from a loss
        ("chair", SHARES, {"bands": [(D("10.005"), {}), (None, {})]}, DomainError, "pence"),
        ("chair", SHARES, {"provider_cap": D("1000.005")}, DomainError, "pounds and pence"),
        ("proposer", SHARES, {}, Forbidden, "manager"),
    ],
)
def test_terms_that_cannot_be_applied_are_refused_with_the_reason(
    app, pool_world, who, shares, kw, error, message
):
    board = pool_world.board
    with app.app_context():
        kw = dict(kw)  # the parameters are shared by both databases' runs
        bands = [(up, percents(ps)) for up, ps in kw.pop("bands", [])]
        with pytest.raises(error, match=message) as refused:
            pool.set_risk_share(
                db.session,
                board.actor(getattr(board, who)),
                pool_world.alliance(),
                financial_year=YEAR,
                shares=percents(shares),
                bands=bands,
                **kw,
            )
        if error is DomainError:
            assert isinstance(refused.value, pool.InvalidPoolRecord)
        db.session.rollback()
        assert pool.risk_share_agreements(db.session, pool_world.alliance(), YEAR) == []
        assert pool.risk_share_terms(db.session, pool_world.alliance(), YEAR) is None


def test_a_newer_agreement_is_in_force_and_the_older_stays_on_record(app, pool_world):
    with app.app_context():
        first = agree(pool_world)
        other_year = agree(pool_world, {"Council": "100.00"}, year=YEAR + 1)
        second = agree(pool_world, {**SHARES, "Council": "25.00", "Provider 02": "35.00"})
        alliance = pool_world.alliance()
        db.session.expire_all()

        terms = pool.risk_share_terms(db.session, alliance, YEAR)
        assert terms.agreement.id == second.id
        assert {m.name: m.percent for m in terms.members}["Provider 02"] == D("35.00")
        assert [a.id for a in pool.risk_share_agreements(db.session, alliance, YEAR)] == [
            second.id,
            first.id,
        ]
        later = pool.risk_share_agreements(db.session, alliance, YEAR + 1)
        assert [a.id for a in later] == [other_year.id]
        assert pool.risk_share_terms(db.session, alliance, YEAR + 1).members == [
            rules.Member("Council", D("100.00"), False)
        ]
        assert pool.risk_share_terms(db.session, alliance, YEAR - 1) is None


def test_recording_an_agreement_writes_its_shares_to_the_audit_record(app, pool_world):
    board = pool_world.board
    with app.app_context():
        row = agree(pool_world, provider_cap=D("75000.50"), note="Board, 1 April")
        (event,) = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "risk_share_agree")
        ).all()
        assert event.object_type == "risk_share_agreement" and event.object_id == str(row.id)
        assert event.actor_user_id == board.membership(board.chair).user_id
        assert event.summary["year"] == YEAR
        assert event.summary["shares"] == SHARES
        assert list(event.summary["shares"]) == sorted(SHARES, key=str.casefold)
        assert event.summary["provider_cap"] == "75000.50"
        assert event.summary["note"] == "Board, 1 April"


def stored_terms(world, year=YEAR):
    """The agreement as read back by a session of its own, with nothing cached."""
    db.session.rollback()  # nothing left open (on SQLite, no write lock held)
    session = db.new_session(write=False)
    try:
        return pool.risk_share_terms(session, session.get(Alliance, world.board.alliance_id), year)
    finally:
        session.close()


def test_a_loss_beyond_the_cap_is_carried_by_the_commissioners(app, pool_world):
    with app.app_context():
        agree(pool_world, provider_cap=D("10000.00"))
        terms = stored_terms(pool_world)
        result = rules.share_risk(D("-50000.00"), terms.members, terms.bands, terms.provider_cap)
        assert result.capped is True
        assert result.carried_by_commissioners == D("20000.00")
        assert result.shares == {
            "Council": D("-40000.00"),
            "Provider 00": D("-3333.34"),
            "Provider 01": D("-3333.33"),
            "Provider 02": D("-3333.33"),
        }
        assert sum(result.shares.values()) == D("-50000.00")
        within = rules.share_risk(D("-10000.00"), terms.members, terms.bands, terms.provider_cap)
        assert within.capped is False and within.carried_by_commissioners == 0
        assert within.shares["Council"] == D("-4000.00")


def test_a_gain_is_shared_by_the_bands_to_the_penny(app, pool_world):
    with app.app_context():
        agree(
            pool_world,
            bands=[(D("100000.00"), {}), (None, percents(UPPER))],
            provider_cap=D("1.00"),  # a cap limits pain only
        )
        terms = stored_terms(pool_world)
        result = rules.share_risk(D("150000.01"), terms.members, terms.bands, terms.provider_cap)
        assert result.shares == {
            "Council": D("75000.01"),
            "Provider 00": D("25000.00"),
            "Provider 01": D("25000.00"),
            "Provider 02": D("25000.00"),
        }
        assert sum(result.shares.values()) == result.variance == D("150000.01")
        assert result.capped is False and result.carried_by_commissioners == 0
        assert [step.amounts for step in result.steps[1:3]] == [
            {"Council": D("40000.00"), **dict.fromkeys(PROVIDERS, D("20000.00"))},
            {"Council": D("35000.01"), **dict.fromkeys(PROVIDERS, D("5000.00"))},
        ]


def test_percentages_round_trip_exactly(app, pool_world):
    thirds = {"Council": "33.34", "Provider 00": "33.33", "Provider 01": "33.33"}
    with app.app_context():
        agree(pool_world, thirds, bands=[(D("0.05"), {}), (None, percents(thirds))])
        terms = stored_terms(pool_world)
        assert {m.name: str(m.percent) for m in terms.members} == thirds
        assert all(isinstance(m.percent, D) for m in terms.members)
        assert {n: str(p) for n, p in terms.bands[1].percents.items()} == thirds
        result = rules.share_risk(D("0.10"), terms.members)
        assert result.shares == {
            "Council": D("0.04"),
            "Provider 00": D("0.03"),
            "Provider 01": D("0.03"),
        }
