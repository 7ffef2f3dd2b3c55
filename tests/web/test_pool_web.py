"""The pool's pages with the demo loaded: every member reads the position; the owners of
each record make it through its form (and nobody else can); typed values survive a
refusal; the page and the board pack cost a fixed number of queries; nothing typed runs."""

import re
from html import unescape

import pytest
from sqlalchemy import func, select

from alliance.db import db
from alliance.ledgers.models import Limb
from alliance.members.models import Organisation, OrganisationKind, Role
from alliance.reports.downloads import today
from alliance.reports.models import OpeningAllocation, PoolContribution, RiskShareAgreement
from tests.web.pool_support import (
    BASE,
    EVIL,
    add_category,
    add_member_organisation,
    agree_risk_share,
    carry_decision,
    contribute,
    load_demo,
    queries_for,
    signed_in,
    submit_ledger,
)

POOL = f"{BASE}/pool?year=2026"
CONTRIBUTE = f"{BASE}/pool/contributions/new?year=2026"
ALLOCATE = f"{BASE}/pool/allocations/new"
RISK_SHARE = f"{BASE}/pool/risk-share?year=2026"
POSITION = (
    "Contributed by the commissioners £2,030,000.00",
    "Allocated to providers £2,022,500.00",
    "Not yet allocated £7,500.00",
    "Net spend to date £2,023,438.78",
    "Variance: contributed less forecast outturn £6,561.22",
)
#: Each demo member's share of the risk share, as the form's fields take it.
SHARES = {"riverside-council": "30", "riverside-icb": "30", "vale-mh-trust": "10"}
SHARES |= {"harbour-recovery": "10", "open-door": "10", "riverside-homes": "10"}


@pytest.fixture
def demo(cli, monkeypatch):
    load_demo(cli, monkeypatch)


def text(response) -> str:
    """What a person reads in the page's main content."""
    html = response.get_data(as_text=True).split("<main", 1)[1].split("</main>", 1)[0]
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def counts(app) -> dict[str, int]:
    with app.app_context():
        return {
            model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (PoolContribution, OpeningAllocation, RiskShareAgreement)
        }


def org_ids(app) -> dict[str, int]:
    with app.app_context():
        return dict(db.session.execute(select(Organisation.slug, Organisation.id)).all())


#: (person, may record a contribution, may manage the pool): every role of the demo.
READERS = (
    ("manager", False, True),
    ("council.commissioner", True, False),
    ("icb.commissioner", True, False),
    ("icb.chair", False, False),
    ("council.alternate", False, False),
    ("trust.finance", False, False),
    ("homes.finance", False, False),
    ("observer", False, False),
)


def test_every_member_reads_the_position_and_sees_only_their_own_forms(app, demo):
    for local, contributes, manages in READERS:
        page = signed_in(app, local).get(POOL)

        assert page.status_code == 200, local
        read = text(page)
        for line in POSITION:
            assert line in read, (local, line)
        assert "NHS Riverside Integrated Care Board £880,000.00" in read, local
        assert ("Record a contribution for" in read) is contributes, local
        assert ("Record an opening allocation" in read) is manages, local
        assert ("Record the risk share" in read) is manages, local


def test_the_year_links_lead_to_each_year_of_the_alliance(app, demo):
    person = signed_in(app, "observer")
    html = person.get(POOL).get_data(as_text=True)
    assert '<a class="govuk-link" href="/alliances/riverside/pool?year=2025">2025-26</a>' in html

    earlier = person.get(f"{BASE}/pool?year=2025")
    read = text(earlier)
    assert "The pool, 2025-26" in read and "Other years: 2026-27" in read
    assert "Contributed by the commissioners £0.00" in read
    assert "None recorded yet." in read and "No allocations recorded yet." in read
    assert 'href="/alliances/riverside/pool?year=2026"' in earlier.get_data(as_text=True)
    for year in ("1999", "abc", "²"):
        for path in ("pool", "pool.xlsx", "pool.csv"):
            assert person.get(f"{BASE}/{path}?year={year}").status_code == 400, (path, year)


def test_a_commissioner_records_their_contribution_through_the_form(app, demo):
    council = signed_in(app, "council.commissioner")
    assert council.get(CONTRIBUTE).status_code == 200

    done = council.post(CONTRIBUTE, {"amount": "£50,000", "note": ""})
    assert done.status_code == 302 and done.headers["Location"] == POOL
    icb = signed_in(app, "icb.commissioner")
    icb.get(CONTRIBUTE)
    reduced = icb.post(CONTRIBUTE, {"amount": "-1,000.50", "note": "Less winter money"})
    assert reduced.status_code == 302
    read = text(council.get(POOL))
    assert "Recorded £50,000.00 for Riverside City Council." in read
    assert "Riverside City Council £1,200,000.00" in read
    assert "NHS Riverside Integrated Care Board £878,999.50" in read
    assert "Contributed by the commissioners £2,078,999.50" in read
    assert counts(app)["PoolContribution"] == 5


def test_an_amount_too_large_to_keep_is_a_field_error_not_a_500(app, demo):
    council = signed_in(app, "council.commissioner")
    council.get(CONTRIBUTE)

    refused = council.post(CONTRIBUTE, {"amount": "£10,000,000,000,000", "note": ""})

    assert refused.status_code in (400, 422)
    assert counts(app)["PoolContribution"] == 3


def test_a_providers_finance_lead_cannot_record_a_contribution(app, demo):
    lead = signed_in(app, "trust.finance")

    assert lead.get(CONTRIBUTE).status_code == 403
    assert lead.post(CONTRIBUTE, {"amount": "5000", "note": ""}).status_code == 403
    assert counts(app)["PoolContribution"] == 3
    assert "Contributed by the commissioners £2,030,000.00" in text(lead.get(POOL))


#: (amount, reason, status, what the page says): refused, with the typed values kept.
REFUSED = (
    ("-20,000", "", 422, "Say why the contribution is reduced."),
    ("-20,000", "   ", 422, "Say why the contribution is reduced."),
    ("£1,000.005", "Top-up", 400, "“£1,000.005” is not an amount in pounds and pence"),
    ("abc", "Top-up", 400, "“abc” is not an amount in pounds and pence"),
    ("1e3", "Top-up", 400, "“1e3” is not an amount in pounds and pence"),
    ("0", "Nothing", 422, "A contribution (or a change to one) is not zero."),
    ("", "Top-up", 400, "Enter the amount in pounds"),
)


def test_a_contribution_that_cannot_be_recorded_says_why_and_keeps_what_was_typed(app, demo):
    council = signed_in(app, "council.commissioner")

    for amount, note, status, message in REFUSED:
        council.get(CONTRIBUTE)
        refused = council.post(CONTRIBUTE, {"amount": amount, "note": note})

        assert refused.status_code == status, amount
        html = refused.get_data(as_text=True)
        assert 'class="govuk-error-summary"' in html and message in text(refused), amount
        kept = re.search(r'id="amount" name="amount" type="text" value="([^"]*)"', html)[1]
        assert kept == amount
        assert re.search(r'<textarea[^>]*name="note"[^>]*>([^<]*)</textarea>', html)[1] == note
    assert counts(app)["PoolContribution"] == 3
    assert "Contributed by the commissioners £2,030,000.00" in text(council.get(POOL))


def test_the_manager_records_an_opening_allocation_until_a_decision_moves_money(app, demo):
    manager, ids = signed_in(app, "manager"), org_ids(app)
    form = manager.get(f"{ALLOCATE}?year=2027")
    assert form.status_code == 200
    choices = re.findall(r'<option value="(\d+)"', form.get_data(as_text=True))
    assert str(ids["harbour-recovery"]) in choices
    assert str(ids["riverside-council"]) not in choices  # commissioners are not allocated to
    chosen = {"organisation": str(ids["harbour-recovery"]), "service_line": "Outreach"}

    done = manager.post(f"{ALLOCATE}?year=2027", chosen | {"amount": "180,000"})

    assert done.status_code == 302 and done.headers["Location"] == f"{BASE}/pool?year=2027"
    read = text(manager.get(f"{BASE}/pool?year=2027"))
    assert "Harbour Recovery Trust Outreach £180,000.00 None £180,000.00" in read
    assert "Allocated to providers £180,000.00" in read
    # 2026-27: the demo's carried decision moved £55,000 of outreach, so openings are settled.
    manager.get(f"{ALLOCATE}?year=2026")
    settled = manager.post(f"{ALLOCATE}?year=2026", chosen | {"amount": "1,000"})
    assert settled.status_code == 409
    assert "Decisions have already moved money this year" in text(settled)
    assert counts(app)["OpeningAllocation"] == 12
    assert "Allocated to providers £2,022,500.00" in text(manager.get(POOL))


def risk_share_form(ids: dict, shares: dict, **fields) -> dict:
    return {f"share-{ids[slug]}": percent for slug, percent in shares.items()} | fields


def test_the_manager_records_a_risk_share_that_replaces_the_one_in_force(app, demo):
    manager, ids = signed_in(app, "manager"), org_ids(app)
    manager.get(RISK_SHARE)

    short = manager.post(RISK_SHARE, risk_share_form(ids, SHARES | {"riverside-homes": "9.99"}))
    assert short.status_code == 422
    assert "The shares total 99.99%, not 100%." in text(short)
    homes = f'name="share-{ids["riverside-homes"]}" type="text" inputmode="decimal" '
    assert f'{homes}spellcheck="false" value="9.99"' in short.get_data(as_text=True)
    for value, message in (
        ("abc", "“abc” is not a percentage (Riverside City Council)."),
        ("1e99", "“1e99” is not a percentage."),  # once a 500: too big to round to the penny
        ("NaN", "“NaN” is not a percentage."),
        ("-10", "A share cannot be negative."),
        ("10.001", "10.001% has more than two decimal places."),
    ):
        fields = risk_share_form(ids, SHARES | {"riverside-council": value})
        refused = manager.post(RISK_SHARE, fields)
        assert refused.status_code == 422 and message in text(refused), value
    assert counts(app)["RiskShareAgreement"] == 1

    halves = {"riverside-council": "50", "riverside-icb": "50.00"}
    done = manager.post(RISK_SHARE, risk_share_form(ids, halves, note="Revised by the board"))
    assert done.status_code == 302 and done.headers["Location"] == POOL
    read = text(manager.get(POOL))
    assert "Revised by the board" in read
    assert "There is no cap on the providers' painshare." in read
    assert "Riverside City Council 50.00% £3,280.61" in read
    assert "NHS Riverside Integrated Care Board 50.00% £3,280.61" in read
    assert "Harbour Recovery Trust 10.00%" not in read
    assert counts(app)["RiskShareAgreement"] == 2


def test_a_risk_share_with_a_band_and_a_cap_goes_through_the_form(app, demo):
    manager, ids = signed_in(app, "manager"), org_ids(app)
    manager.get(RISK_SHARE)
    upper = {f"band-{ids[slug]}": p for slug, p in (SHARES | {"riverside-council": "35"}).items()}
    upper[f"band-{ids['riverside-icb']}"] = "25"
    fields = {"band_up_to": "£5,000", "provider_cap": "75,000.00", "note": "Two bands"}

    done = manager.post(RISK_SHARE, risk_share_form(ids, SHARES, **fields) | upper)

    assert done.status_code == 302
    read = text(manager.get(POOL))
    assert "The providers together carry at most £75,000.00 of a loss" in read
    # £5,000 by the first shares, the other £1,561.22 by the second band's: council 35%.
    assert "Riverside City Council 30.00% £2,046.43" in read
    bad = manager.post(RISK_SHARE, risk_share_form(ids, SHARES) | upper)
    assert bad.status_code == 422
    assert "Say where the second band starts" in text(bad)
    assert counts(app)["RiskShareAgreement"] == 2


def test_only_the_manager_uses_the_allocation_and_risk_share_forms(app, demo):
    ids, allocate = org_ids(app), f"{ALLOCATE}?year=2027"
    chosen = {"organisation": str(ids["open-door"]), "amount": "10"}
    whole = risk_share_form(ids, {"riverside-council": "100"})

    for local, _, manages in READERS:
        if manages:
            continue
        person = signed_in(app, local)
        assert person.get(allocate).status_code == 403, local
        assert person.get(RISK_SHARE).status_code == 403, local
        assert person.post(allocate, chosen).status_code == 403, local
        assert person.post(RISK_SHARE, whole).status_code == 403, local
    assert counts(app) == {"PoolContribution": 3, "OpeningAllocation": 11, "RiskShareAgreement": 1}


def grow_everything(app) -> str:
    """More of all that a report reads: a carried decision that makes a new allocation, a
    new provider with its own ledger, new versions of ledgers with more lines in more
    months, categories and service lines (one category new), more contributions."""
    reference = carry_decision(
        app,
        "Move peer support money to mental health",
        "10000.00",
        ("vale-mh-trust", "Peer support"),
        ("harbour-recovery", "Mental health"),
    )
    add_category(app, "Training", Limb.LIMB1)
    add_member_organisation(
        app, "Northside Recovery", OrganisationKind.PROVIDER, "north.finance", {Role.FINANCE_LEAD}
    )
    months = [f"2026-{m:02d}" for m in range(4, 13)]
    rows = [
        (month, category, line, "", f"Line {i}", f"{100 + i}.{i % 100:02d}")
        for i, (month, category, line) in enumerate(
            (m, c, s)
            for m in months
            for c in ("Staff", "Training", "Premises", "Grant income")
            for s in ("Outreach", "Peer support", "Mental health")
        )
    ]
    submit_ledger(app, "open-door", rows)
    submit_ledger(app, "open-door", rows[:40])
    submit_ledger(app, "northside-recovery", rows)
    contribute(app, "council.commissioner", "25000.00", "More")
    contribute(app, "icb.commissioner", "-5000.00", "Less")
    return reference


def test_the_pool_page_and_the_board_pack_cost_the_same_queries_as_data_grows(app, demo):
    manager = signed_in(app, "manager")
    pack = f"{BASE}/board-pack?period={today():%Y-%m}"
    manager.get(f"{BASE}/")  # warm up the session; the pool's sums are not read yet
    # Each time, the pool page sums the ledgers' lines afresh (other versions are current)
    # and the board pack, straight after, uses those sums.
    before = {path: queries_for(manager.client, path) for path in (POOL, pack)}

    reference = grow_everything(app)

    after = {path: queries_for(manager.client, path) for path in (POOL, pack)}
    assert after == before
    assert all(count > 10 for count in before.values()), before  # the listener counted
    read = text(manager.get(POOL))
    assert "Northside Recovery" in read and f"{reference} £10,000.00" in read
    assert "Contributed by the commissioners £2,050,000.00" in read
    assert "Training Limb 1: direct costs at cost" in read
    assert reference in text(manager.get(pack))


def test_nothing_typed_runs_on_the_pool_page_or_the_board_pack(app, demo):
    add_member_organisation(
        app, EVIL, OrganisationKind.COMMISSIONER, "evil.commissioner", {Role.COMMISSIONER}
    )
    contribute(app, "evil.commissioner", "1000.00", EVIL)
    contribute(app, "evil.commissioner", "-10.00", EVIL)
    agree_risk_share(app, {EVIL: "40", "riverside-council": "30", "riverside-icb": "30"}, EVIL)
    manager, evil = signed_in(app, "manager"), signed_in(app, "evil.commissioner")
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    pages = [(manager, POOL), (manager, f"{BASE}/board-pack?period=2026-10")]
    pages += [(manager, RISK_SHARE), (evil, CONTRIBUTE), (evil, POOL)]

    for person, path in pages:
        html = person.get(path).get_data(as_text=True)
        assert EVIL not in html and "<script>alert" not in html, path
        assert escaped in html, path
    read = text(manager.get(POOL))
    # The variance is now £6,561.22 + £990.00; the typed name's 40% of it, to the penny.
    assert f"{EVIL} £990.00" in read and f"{EVIL} 40.00% £3,020.49" in read
    assert read.count(EVIL) >= 4  # the contribution, the share, the working and the note
