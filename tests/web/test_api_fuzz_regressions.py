"""What fuzzing the API found (tests/web/test_api_fuzz.py), and its kin found by reading
the code after. Each request here answered 500 (on SQLite, on PostgreSQL or on both),
or answered with a body the document does not allow (the year 168 written "168"), or
(true as an organisation id) named organisation 1."""

import io

import pytest

from alliance.actors import CLI
from alliance.db import db
from alliance.ledgers.structure import seed_structure
from alliance.members.models import Alliance
from tests.web.api_support import API, api_send, assert_json_error, bearer, token_for

TOO_BIG = 2**63  # past SQLite's INTEGER; anything past 2**31 - 1 is past PostgreSQL's
BASE = f"{API}/alliances/riverside"
STATEMENT = {
    "period_start": "2026-04-01",
    "period_end": "2026-06-30",
    "assured_that": "the offer reaches people",
    "because": "they took a kit",
}


@pytest.fixture
def call(app, world):
    """Send a JSON request to the riverside alliance's API as one of the world's people."""
    tokens: dict[str, str] = {}

    def send(who: str, method: str, path: str, body=None):
        if who not in tokens:
            tokens[who] = token_for(app, world.emails[who])
        return api_send(app, method, BASE + path, tokens[who], body)

    return send


@pytest.fixture
def entry(call) -> int:
    made = call("finance_lead", "POST", "/learning", {"kind": "experiment", "title": "Try it"})
    assert made.status_code == 201
    return made.get_json()["id"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/learning/{big}"),
        ("PATCH", "/learning/{big}"),
        ("POST", "/learning/{big}/gate"),
        ("POST", "/learning/{big}/questions"),
        ("POST", "/learning/{entry}/questions/{big}/answers"),
        ("GET", "/assurance-statements/{big}"),
        ("GET", "/measures/{big}/values"),
        ("POST", "/measures/{big}/values"),
        ("GET", "/ledgers/vale-trust/versions/{big}"),
        ("GET", "/ledgers/vale-trust/versions/{big}/original"),
    ],
)
def test_a_number_in_a_path_too_large_for_the_database_is_not_found(call, entry, method, path):
    for big in (2**31, TOO_BIG):
        response = call("manager", method, path.format(big=big, entry=entry), {"text": "x"})

        assert response.status_code == 404, (path, big)


def test_paging_the_record_after_a_seq_too_large_for_the_database_is_a_bad_request(call):
    response = call("manager", "GET", f"/record?after={TOO_BIG}")

    assert "after must be a whole number" in assert_json_error(response, 400)["message"]


def test_a_closing_time_before_the_year_1000_is_sent_back_as_iso_8601(call):
    proposal = {"title": "Old", "question": "Shall we?", "kind": "operational"}
    proposal["closes_at"] = "0168-05-31T16:21:27+10:17"

    made = call("manager", "POST", "/decisions", proposal)

    assert made.status_code == 201
    assert made.get_json()["closes_at"] == "0168-05-31T06:04:27.000000Z"


def test_a_closing_time_past_the_last_time_utc_can_hold_is_refused(call):
    proposal = {"title": "Late", "question": "Shall we?", "kind": "operational"}
    proposal["closes_at"] = "9999-12-31T23:00:00-05:00"

    error = assert_json_error(call("manager", "POST", "/decisions", proposal), 422)

    assert "closes_at" in error["message"]


@pytest.mark.parametrize("holder", [TOO_BIG, True, 0])
def test_a_reserved_power_holder_that_cannot_be_an_id_is_no_organisation(call, holder):
    proposal = {"title": "Ours", "question": "Shall we?", "kind": "reserved"}
    proposal["reserved_holder"] = holder

    error = assert_json_error(call("manager", "POST", "/decisions", proposal), 422)

    assert "No member organisation" in error["message"]


def test_citing_a_ledger_line_id_too_large_for_the_database_is_refused(call):
    cites = {"kind": "reflection", "title": "Spend", "ledger_lines": [TOO_BIG]}

    error = assert_json_error(call("finance_lead", "POST", "/learning", cites), 422)

    assert "no ledger line" in error["message"]


@pytest.mark.parametrize(
    "rests_on",
    [
        {"entries": ["L-²"]},
        {"entries": [f"L-{TOO_BIG}"]},
        {"entries": ["1" * 5000]},
        {"revisits": "AS-²"},
        {"revisits": str(TOO_BIG)},
    ],
)
def test_a_statement_naming_what_cannot_be_a_number_is_refused(call, entry, rests_on):
    statement = {**STATEMENT, "entries": [entry], **rests_on}

    assert_json_error(call("board_representative", "POST", "/assurance-statements", statement), 422)


def test_a_measure_value_too_large_to_have_four_places_is_refused(call):
    measure = {"name": "Admissions", "unit": "people", "source": "HES", "definition": "All"}
    made = call("manager", "POST", "/measures", measure)
    assert made.status_code == 201, made.get_json()
    values = f"/measures/{made.get_json()['id']}/values"

    for value in ("1e99", "-1E+30"):
        body = {"period_start": "2026-04-01", "value": value}
        error = assert_json_error(call("manager", "POST", values, body), 422)

        assert "too large" in error["message"]


PROPOSAL = {"title": "t", "question": "q", "kind": "operational"}
MEASURE = {"name": "n", "unit": "u", "source": "s", "definition": "d"}
EFFECT = {"financial_year": 2026, "amount": "1.00", "to_service_line": "Outreach"}


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        ("/decisions", PROPOSAL | {"title": "x" * 201}, "Keep the title to 200"),
        (
            "/decisions",
            PROPOSAL | {"budget_effect": EFFECT | {"from_service_line": "x" * 121}},
            "Keep each service line to 120",
        ),
        ("/measures", MEASURE | {"name": "x" * 201}, "Keep the name to 200"),
        ("/measures", MEASURE | {"unit": "x" * 81}, "Keep the unit to 80"),
    ],
)
def test_text_longer_than_its_column_is_refused_not_left_to_postgresql(call, path, body, message):
    error = assert_json_error(call("manager", "POST", path, body), 422)

    assert message in error["message"]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/learning", {"kind": "reflection", "title": "Nul\x00here"}),
        ("PATCH", "/learning/{entry}", {"summary": "Nul\x00here"}),
        ("POST", "/learning", {"kind": "reflection", "title": "Half \ud800 a pair"}),
        ("POST", "/learning", {"kind": "reflection", "title": "x", "themes": ["\x00"]}),
        ("POST", "/decisions", {"title": "x", "question": "\x00", "kind": "operational"}),
    ],
)
def test_text_no_database_keeps_is_refused_before_it_reaches_one(call, entry, method, path, body):
    response = call("manager", method, path.format(entry=entry), body)

    assert "Text cannot contain" in assert_json_error(response, 400)["message"]


def test_json_nested_too_deeply_to_read_is_a_bad_request(app, world):
    raw = token_for(app, world.emails["manager"])

    response = app.test_client().post(
        f"{BASE}/learning",
        headers=bearer(raw),
        data="[" * 100_000,
        content_type="application/json",
    )

    assert_json_error(response, 400)


@pytest.mark.parametrize("header_row", ["²", "0" * 5000 + "1"])
def test_a_header_row_int_cannot_read_is_refused(app, world, header_row):
    with app.app_context():
        seed_structure(db.session, CLI, db.session.get(Alliance, world.alliance_id), 2026)
        db.session.commit()
    form = {"organisation": "vale-trust", "period": "2026-04..2027-03", "header_row": header_row}
    form["file"] = (io.BytesIO(b"Month,Amount\n2026-04,1.00\n"), "ledger.csv")

    response = app.test_client().post(
        f"{BASE}/ledgers/uploads",
        headers=bearer(token_for(app, world.emails["finance_lead"])),
        data=form,
    )

    assert "header_row" in assert_json_error(response, 422)["message"]
