"""The ledger API: upload → preview → submit → versions → original, each response checked
against the OpenAPI document; who may upload; what a refused or repeated file leaves."""

import io

import openpyxl
import pytest
from sqlalchemy import func, select

from alliance.actors import CLI
from alliance.audit.models import AuditEvent
from alliance.db import db
from alliance.ledgers.models import LedgerFile, LedgerLine, LedgerUpload, LedgerVersion
from alliance.ledgers.structure import seed_structure
from alliance.members.models import Alliance
from tests.web.api_support import (
    API,
    LEDGER_PATHS,
    assert_json_error,
    bearer,
    documented_operations,
    response_validator,
    schema_errors,
    served_document,
    token_for,
)

PERIOD = "2026-04..2027-03"
BASE = f"{API}/alliances/riverside/ledgers"
UPLOADS = "/alliances/{slug}/ledgers/uploads"
SUBMIT = "/alliances/{slug}/ledgers/uploads/{upload_id}/submit"
VERSIONS = "/alliances/{slug}/ledgers/{org}/versions"
VERSION = "/alliances/{slug}/ledgers/{org}/versions/{number}"
ORIGINAL = "/alliances/{slug}/ledgers/{org}/versions/{number}/original"
FIRST = (
    b"Month,Cost category,Amount\n2026-04,Staff,1200.50\n2026-05,Staff,99\n2026-05,Rent,-10.50\n"
)
SECOND = FIRST + b'2026-06,Grants,"(500.00)"\n'
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


class Api:
    """Calls the API as one person, checking each answer against the OpenAPI document."""

    document: dict = {}
    exercised: set = set()

    def __init__(self, app, raw: str | None):
        self.app, self.headers = app, bearer(raw) if raw else {}

    def call(self, method, path, status, *, url=None, data=None, **params):
        url = url or API + path.format(slug="riverside", **params)
        response = self.app.test_client().open(url, method=method, headers=self.headers, data=data)
        assert response.status_code == status, (path, response.get_data(as_text=True)[:500])
        if response.mimetype == "application/json":
            validator = response_validator(Api.document, path, method, str(status))
            assert schema_errors(validator, response.get_json()) == [], (method, path, status)
        Api.exercised.add((path, method))
        return response

    def upload(self, content: bytes, status=201, name="ledger.csv", **fields):
        form = {"organisation": "vale-trust", "period": PERIOD, **fields}
        form["file"] = (io.BytesIO(content), name)
        return self.call("POST", UPLOADS, status, data=form)

    def submit(self, upload_id: str, status=201):
        return self.call("POST", SUBMIT, status, upload_id=upload_id)

    def versions(self, org="vale-trust", status=200, query=""):
        url = f"{BASE}/{org}/versions{query}"
        return self.call("GET", VERSIONS, status, url=url)

    def version(self, number: int, org="vale-trust", status=200, query=""):
        url = f"{BASE}/{org}/versions/{number}{query}"
        return self.call("GET", VERSION, status, url=url)

    def original(self, number: int, org="vale-trust", status=200):
        return self.call("GET", ORIGINAL, status, url=f"{BASE}/{org}/versions/{number}/original")


@pytest.fixture
def person(app, world):
    Api.document, Api.exercised = served_document(app), set()
    return lambda key: Api(app, token_for(app, world.emails[key]) if key else None)


@pytest.fixture
def structure(app, world):
    with app.app_context():
        seed_structure(db.session, CLI, db.session.get(Alliance, world.alliance_id), 2026)
        db.session.commit()


def counts(app) -> dict[str, int]:
    with app.app_context():
        tables = {"version": LedgerVersion, "line": LedgerLine, "file": LedgerFile}
        tables["upload"] = LedgerUpload
        found = {
            k: db.session.scalar(select(func.count()).select_from(m)) for k, m in tables.items()
        }
        found["refusals"] = db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "ledger_upload_refused")
        )
        return found


def xlsx(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Ledger"
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- the whole life of a ledger ----------------------------------------------------------


def test_upload_preview_submit_and_read_every_version(app, world, person, structure):
    lead, observer = person("finance_lead"), person("observer")

    staged = lead.upload(FIRST).get_json()
    preview = staged["preview"]
    assert staged["period"] == PERIOD and staged["next_number"] == 1
    assert staged["organisation"]["id"] == world.orgs["trust"]
    assert preview["kind"] == "csv" and preview["mapping_source"] == "suggested"
    assert preview["line_count"] == 3 and preview["total"] == "1289.00"
    assert [line["amount"] for line in preview["lines"]] == ["1200.50", "99.00", "-10.50"]
    assert preview["lines"][2]["category"] == "Premises"  # "Rent" is a synonym
    assert preview["totals"]["limb"] == [["limb1", "1289.00"]]
    assert preview["problem_counts"]["error"] == 0

    first = lead.submit(staged["id"]).get_json()
    assert first["number"] == 1 and first["current"] and first["period"] == PERIOD
    assert first["line_count"] == 3 and first["total"] == "1289.00"
    assert first["submitted_by"] == "Finance Lead" and first["submitted_at"].endswith("Z")

    listed = observer.versions().get_json()
    assert [v["number"] for v in listed["items"]] == [1] and listed["next"] is None

    detail = observer.version(1).get_json()
    assert [(line["source"], line["amount"]) for line in detail["lines"]] == [
        ("line 2, column C", "1200.50"),
        ("line 3, column C", "99.00"),
        ("line 4, column C", "-10.50"),
    ]
    line = detail["lines"][2]
    assert (line["category"], line["category_text"], line["limb"]) == ("Premises", "Rent", "limb1")
    assert (line["period_start"], line["period_months"], line["budget"]) == ("2026-05-01", 1, None)
    assert detail["totals"] == {
        "period": [["2026-04-01", "1200.50"], ["2026-05-01", "88.50"]],
        "category": [["Premises", "-10.50"], ["Staff", "1299.50"]],
        "limb": [["limb1", "1289.00"]],
    }
    assert detail["totals"] == preview["totals"]

    original = observer.original(1)
    assert original.data == FIRST
    assert original.mimetype == "text/csv"
    assert original.headers["Content-Disposition"].startswith('attachment; filename="ledger.csv"')
    assert original.headers["X-Content-Type-Options"] == "nosniff"

    second = lead.submit(lead.upload(SECOND, name="ledger v2.csv").get_json()["id"]).get_json()
    assert (second["number"], second["total"], second["line_count"]) == (2, "789.00", 4)
    listed = observer.versions(org=str(world.orgs["trust"])).get_json()["items"]
    assert [(v["number"], v["current"]) for v in listed] == [(2, True), (1, False)]
    assert observer.version(2, org="Vale Trust").get_json()["previous"] == 1
    assert observer.version(1).get_json()["lines"] == detail["lines"]
    assert observer.original(2).data == SECOND

    before = counts(app)
    again = lead.upload(FIRST, status=409).get_json()["error"]
    assert again["code"] == "already_imported"
    assert "version 1" in again["message"]
    assert counts(app) == before
    assert [v["number"] for v in observer.versions().get_json()["items"]] == [2, 1]
    documented = {op for op in documented_operations(Api.document) if LEDGER_PATHS in op[0]}
    assert documented == Api.exercised, "every ledger operation is exercised and validated"


def test_an_xlsx_with_a_given_mapping_by_letter_keeps_the_other_suggestions(app, person):
    lead = person("finance_lead")
    content = xlsx([["Monthly ledger"], [], ["Month", "Team", "Net"], ["2026-04", "Pay", 10.25]])

    staged = lead.upload(content, name="trust.xlsx", mapping='{"C": "amount", "B": "category"}')

    preview = staged.get_json()["preview"]
    assert preview["kind"] == "xlsx" and preview["header_row"] == 3
    assert preview["mapping"] == {"Month": "date", "Team": "category", "Net": "amount"}
    assert preview["lines"][0]["source"] == "Ledger!C4"
    assert preview["lines"][0]["amount"] == "10.25"
    version = lead.submit(staged.get_json()["id"]).get_json()
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert lead.original(version["number"]).mimetype == media_type


def test_versions_of_another_period_are_chosen_by_the_period_query(app, person):
    lead = person("finance_lead")
    later = b"Month,Amount\n2027-04,5.00\n"
    lead.submit(lead.upload(FIRST).get_json()["id"])
    lead.submit(lead.upload(later, period="2027-04..2028-03").get_json()["id"])

    assert lead.version(1).get_json()["period"] == "2027-04..2028-03"
    assert lead.version(1, query=f"?period={PERIOD}").get_json()["total"] == "1289.00"
    assert len(lead.versions(query=f"?period={PERIOD}").get_json()["items"]) == 1
    assert len(lead.versions().get_json()["items"]) == 2
    error = assert_json_error(lead.versions(query="?period=April", status=400), 400)
    assert "2026-04" in error["message"]


# --- what a refused, wrong or late upload leaves -------------------------------------------


def test_a_refused_file_answers_422_and_leaves_only_its_refusal(app, person):
    before = counts(app)

    error = person("finance_lead").upload(PDF, status=422, name="ledger.pdf").get_json()["error"]

    assert error["code"] == "upload_refused"
    assert "PDF" in error["message"]
    after = counts(app)
    assert after["refusals"] == before["refusals"] + 1
    assert {k: after[k] for k in ("version", "line", "file", "upload")} == {
        "version": 0,
        "line": 0,
        "file": 0,
        "upload": 0,
    }


def test_a_file_over_the_limit_answers_413_json(app, person):
    lead = person("finance_lead")
    app.config["LEDGER_MAX_BYTES"] = 40
    error = assert_json_error(lead.upload(FIRST, status=413), 413)
    assert error["code"] == "too_large"
    assert counts(app)["refusals"] == 1

    app.config["MAX_CONTENT_LENGTH"] = 100
    error = assert_json_error(lead.upload(FIRST * 3, status=413), 413)
    assert error["code"] == "too_large"
    assert counts(app)["version"] == 0


def test_too_many_new_files_is_429_with_retry_after_and_a_full_quota_413(app, person):
    lead = person("finance_lead")
    app.config["LEDGER_UPLOADS_PER_WINDOW"] = 2
    lead.upload(FIRST)
    lead.upload(SECOND)
    response = lead.upload(SECOND + b"2026-07,Staff,1.00\n", status=429)
    assert response.headers["Retry-After"] == "600"
    error = assert_json_error(response, 429)
    assert error["code"] == "too_many_uploads"
    assert "the limit is 2. Try again in 10 minutes" in error["message"]

    app.config["LEDGER_UPLOADS_PER_WINDOW"] = 10
    app.config["LEDGER_STORAGE_QUOTA_BYTES"] = len(FIRST) + len(SECOND)
    error = assert_json_error(lead.upload(SECOND + b"2026-07,Staff,1.00\n", status=413), 413)
    assert error["code"] == "storage_quota"
    assert counts(app)["upload"] == 2


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"period": "April 2026"}, "write it like 2026-04"),
        ({"period": "2027-03..2026-04"}, "before it starts"),
        ({"period": ""}, "Send period"),
        ({"organisation": "Nowhere Trust"}, "No organisation"),
        ({"scale": "100"}, "scale"),
        ({"header_row": "zero"}, "header_row"),
        ({"mapping": "[1, 2]"}, "mapping"),
        ({"mapping": '{"C": "money"}'}, "not a field"),
    ],
)
def test_a_bad_form_field_answers_422_and_stores_nothing(app, person, fields, message):
    response = person("finance_lead").upload(FIRST, status=422, **fields)

    error = assert_json_error(response, 422)
    assert message in error["message"]
    assert counts(app) == dict.fromkeys(("version", "line", "file", "upload", "refusals"), 0)


def test_a_file_with_errors_is_previewed_but_cannot_be_submitted(app, person):
    lead = person("finance_lead")
    staged = lead.upload(b"Month,Amount\n2026-04,12.00\n2026-05,twelve\n2026-06,1\n").get_json()
    assert staged["preview"]["problem_counts"]["error"] == 1
    assert staged["preview"]["problems"][0]["where"] == "line 3, column B"

    error = lead.submit(staged["id"], status=422).get_json()["error"]

    assert error["code"] == "upload_has_errors"
    assert counts(app)["version"] == 0


def test_two_uploads_of_one_ledger_the_second_submitted_gets_409(app, person):
    lead = person("finance_lead")
    one, two = (lead.upload(content).get_json()["id"] for content in (FIRST, SECOND))
    lead.submit(one)

    error = lead.submit(two, status=409).get_json()["error"]

    assert error["code"] == "submitted_meanwhile"
    assert [v["number"] for v in lead.versions().get_json()["items"]] == [1]


def test_an_unknown_or_someone_elses_upload_is_404(app, person):
    staged = person("finance_lead").upload(FIRST).get_json()

    assert_json_error(person("finance_lead").submit("0" * 32, status=404), 404)
    assert_json_error(person("manager").submit(staged["id"], status=404), 404)


# --- who may do what ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "organisation"),
    [
        ("finance_lead", "riverside-council"),
        ("observer", "vale-trust"),
        ("board_representative", "vale-trust"),
        ("manager", "riverside-council"),
    ],
)
def test_only_a_finance_lead_uploads_and_only_for_their_organisation(
    app, person, who, organisation
):
    error = person(who).upload(FIRST, status=403, organisation=organisation).get_json()["error"]

    assert error["code"] == "forbidden"
    assert counts(app) == dict.fromkeys(("version", "line", "file", "upload", "refusals"), 0)


def test_every_member_reads_every_ledger_and_others_get_404(app, person):
    lead = person("finance_lead")
    lead.submit(lead.upload(FIRST).get_json()["id"])

    for who in ("observer", "commissioner", "charity_rep"):
        assert person(who).original(1).data == FIRST
    outsider = person("other_manager")
    assert_json_error(outsider.versions(status=404), 404)
    assert_json_error(outsider.version(1, status=404), 404)
    assert_json_error(outsider.original(1, status=404), 404)
    assert_json_error(outsider.upload(FIRST, status=404), 404)
    assert_json_error(lead.versions(org="elsewhere-council", status=404), 404)
    assert_json_error(lead.version(7, status=404), 404)


def test_no_token_is_401_on_every_ledger_endpoint(app, person):
    anonymous = person(None)

    for response in (
        anonymous.upload(FIRST, status=401),
        anonymous.submit("0" * 32, status=401),
        anonymous.versions(status=401),
        anonymous.version(1, status=401),
        anonymous.original(1, status=401),
    ):
        assert assert_json_error(response, 401)["code"] == "unauthorised"
