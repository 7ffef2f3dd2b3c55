"""The report endpoints of /api/v1 with the demo loaded: the pool for 2026-27 as JSON
(checked against the OpenAPI document, every figure a two-decimal string that adds up),
its files, the board pack and the open-data zip; bad queries, strangers and no token."""

import io
import re
import zipfile
from datetime import date
from decimal import Decimal

import openpyxl
import pytest

from alliance.actors import CLI
from alliance.auth.services import create_user
from alliance.db import db
from alliance.members import services as members
from alliance.members.models import OrganisationKind, Role
from tests.web.api_support import (
    API,
    REPORT_PATHS,
    assert_json_error,
    bearer,
    documented_operations,
    response_validator,
    schema_errors,
    served_document,
    token_for,
)
from tests.web.pool_support import (
    DEMO_PASSWORD,
    PERIOD,
    add_member_organisation,
    carried_reference,
    contribute,
    email,
    load_demo,
    money,
)

POOL = "/alliances/{slug}/pool"
POOL_XLSX = "/alliances/{slug}/pool.xlsx"
POOL_CSV = "/alliances/{slug}/pool.csv"
PACK = "/alliances/{slug}/board-pack"
OPEN_DATA = "/alliances/{slug}/open-data.zip"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Every key of the pool's JSON that holds money (None only where the document allows it).
MONEY_KEYS = {"contributed", "allocated", "unallocated", "spend", "income", "net", "amount"}
MONEY_KEYS |= {"opening", "current", "outturn", "variance", "provider_cap", "up_to", "share"}
MONEY_KEYS |= {"carried_by_commissioners"}
INTEGER_KEYS = {"year", "lines", "months", "months_elapsed"}
TWO_PLACES = re.compile(r"-?\d+\.\d\d")


class Api:
    """GETs as one person, each answer checked against what the document says of it."""

    def __init__(self, app, document: dict, exercised: set, raw: str | None):
        self.app, self.document, self.exercised = app, document, exercised
        self.headers = bearer(raw) if raw else {}

    def get(self, path: str, status: int = 200, slug: str = "riverside", **query):
        url = API + path.format(slug=slug)
        client = self.app.test_client()
        with client.get(url, headers=self.headers, query_string=query) as response:
            response.get_data()  # read, then closed (the open-data zip is a spooled file)
        assert response.status_code == status, (path, query, response.get_data()[:300])
        documented = self.document["paths"][path]["get"]["responses"][str(status)]["content"]
        assert response.mimetype in documented, (path, response.mimetype)
        if response.mimetype == "application/json":
            validator = response_validator(self.document, path, "get", str(status))
            assert schema_errors(validator, response.get_json()) == [], (path, status)
        if status == 200:
            self.exercised.add((path, "GET"))
        return response


@pytest.fixture
def api(app, cli, monkeypatch):
    load_demo(cli, monkeypatch)
    document, exercised = served_document(app), set()

    def person(local: str | None = "observer") -> Api:
        raw = token_for(app, email(local)) if local else None
        return Api(app, document, exercised, raw)

    person.document, person.exercised = document, exercised
    return person


def money_fields(value, key=None):
    """Every (key, value) under a money key, anywhere in the body; fails on a JSON number
    that is not a count."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from money_fields(v, k)
    elif isinstance(value, list):
        for item in value:
            yield from money_fields(item, key)
    else:
        if isinstance(value, int | float) and not isinstance(value, bool):
            assert key in INTEGER_KEYS and isinstance(value, int), (key, value)
        if key in MONEY_KEYS:
            yield key, value


def total(rows, key) -> Decimal:
    return sum((money(row[key]) for row in rows), Decimal("0.00"))


def casefold_sorted(names) -> bool:
    names = list(names)
    return names == sorted(names, key=str.casefold)


def test_the_pool_is_documented_exact_alphabetical_and_adds_up(app, api):
    pool = api("observer").get(POOL, year="2026").get_json()

    found = list(money_fields(pool))
    assert len(found) > 100
    for key, value in found:
        assert value is None or (isinstance(value, str) and TWO_PLACES.fullmatch(value)), key
    position, breakdowns, forecast = pool["position"], pool["breakdowns"], pool["forecast"]
    assert (pool["year"], pool["label"], pool["through"]) == (2026, "2026-27", "2027-03")
    assert position["contributed"] == "2030000.00"
    assert (position["allocated"], position["unallocated"]) == ("2022500.00", "7500.00")
    assert position["actual"] == {"spend": "2044467.42", "income": "21028.64", "net": "2023438.78"}
    assert [(c["organisation"], c["amount"]) for c in position["contributions"]] == [
        ("NHS Riverside Integrated Care Board", "880000.00"),
        ("Riverside City Council", "1150000.00"),
    ]
    reference = carried_reference(app)
    changes = [
        (a["organisation"], a["service_line"], change["decision"], change["amount"])
        for a in position["allocations"]
        for change in a["changes"]
    ]
    assert changes == [
        ("Harbour Recovery Trust", "Outreach", reference, "55000.00"),
        ("Open Door Riverside", "Outreach", reference, "-55000.00"),
    ]
    for a in position["allocations"]:
        assert money(a["current"]) == money(a["opening"]) + total(a["changes"], "amount")

    # Members alphabetically, wherever they are listed.
    assert casefold_sorted(c["organisation"] for c in position["contributions"])
    assert casefold_sorted(a["organisation"] for a in position["allocations"])
    assert casefold_sorted(o["organisation"] for o in breakdowns["organisation"])
    risk_share = pool["risk_share"]
    assert casefold_sorted(m["organisation"] for m in risk_share["members"])

    # Every breakdown adds up to the position, to the penny.
    actual = {k: money(v) for k, v in position["actual"].items()}
    contributed, allocated = money(position["contributed"]), money(position["allocated"])
    assert total(position["contributions"], "amount") == contributed
    assert total(position["allocations"], "current") == allocated
    assert contributed - allocated == money(position["unallocated"])
    assert actual["spend"] - actual["income"] == actual["net"]
    for name in ("period", "service_line", "organisation"):
        rows = breakdowns[name]
        assert {k: total(rows, k) for k in ("spend", "income", "net")} == actual, name
    assert total(breakdowns["service_line"], "allocated") == allocated
    assert total(breakdowns["organisation"], "allocated") == allocated
    assert total(breakdowns["category"], "amount") == actual["spend"] + actual["income"]
    assert total(breakdowns["limb"], "amount") == actual["spend"] + actual["income"]
    limbs = {row["limb"]: money(row["amount"]) for row in breakdowns["limb"]}
    assert limbs["income"] == actual["income"]
    assert (forecast["months_elapsed"], forecast["outturn"]) == (12, "2023438.78")
    assert money(forecast["variance"]) == contributed - money(forecast["outturn"])

    assert risk_share["variance"] == forecast["variance"] == "6561.22"
    assert total(risk_share["members"], "share") == money(risk_share["variance"])
    assert total(risk_share["working"][-1]["amounts"], "amount") == money(risk_share["variance"])
    assert (risk_share["provider_cap"], risk_share["capped"]) == ("150000.00", False)
    assert [band["up_to"] for band in risk_share["bands"]] == ["100000.00", None]
    percents = {m["organisation"]: m["percent"] for m in risk_share["members"]}
    assert percents["Riverside City Council"] == "30.00"
    assert sum(Decimal(p) for p in percents.values()) == Decimal(100)


def test_the_risk_share_working_lists_members_alphabetically_as_the_members_are(api):
    risk_share = api("observer").get(POOL, year="2026").get_json()["risk_share"]
    members_order = [m["organisation"] for m in risk_share["members"]]

    assert casefold_sorted(members_order)
    for step in risk_share["working"]:
        if step["amounts"]:
            assert [a["organisation"] for a in step["amounts"]] == members_order, step["text"]


def test_contributions_are_alphabetical_whatever_the_case_of_a_name(app, api):
    add_member_organisation(
        app, "iCare Riverside", OrganisationKind.COMMISSIONER, "icare", {Role.COMMISSIONER}
    )
    contribute(app, "icare", "1000.00")
    position = api("observer").get(POOL, year="2026").get_json()["position"]

    assert [c["organisation"] for c in position["contributions"]] == [
        "iCare Riverside",
        "NHS Riverside Integrated Care Board",
        "Riverside City Council",
    ]


def test_a_year_before_any_record_is_empty_but_exact(api):
    pool = api("manager").get(POOL, year="2027").get_json()

    assert (pool["year"], pool["label"], pool["through"]) == (2027, "2027-28", None)
    assert pool["position"]["contributed"] == "0.00"
    assert pool["position"]["actual"] == {"spend": "0.00", "income": "0.00", "net": "0.00"}
    assert (pool["forecast"]["outturn"], pool["forecast"]["variance"]) == (None, None)
    assert pool["risk_share"] is None


#: (path, query) pairs that cannot be read: each a 400 with a JSON error saying why.
BAD_QUERIES = (
    (POOL, {"year": "abc"}),
    (POOL, {"year": "1999"}),
    (POOL, {"year": "2101"}),
    (POOL, {"year": "-2026"}),
    (POOL, {"year": "2026.5"}),
    (POOL, {"year": "²"}),  # a digit to str.isdigit(), not to int(): once a 500
    (POOL, {"year": "２０２６"}),
    (POOL_XLSX, {"year": "abc"}),
    (POOL_CSV, {"year": "1999"}),
    (PACK, {"period": PERIOD, "format": "doc"}),
    (PACK, {"period": PERIOD, "format": "PDF"}),
    (PACK, {"period": "2026-13"}),
    (PACK, {"period": "2026-00", "format": "xlsx"}),
    (PACK, {"period": "October"}),
    (PACK, {"period": "1999-10", "format": "pdf"}),
)


def test_a_query_that_cannot_be_read_is_a_400_json_error(api):
    person = api("observer")

    for path, query in BAD_QUERIES:
        error = assert_json_error(person.get(path, 400, **query), 400)
        assert error["code"] == "bad_request", (path, query)
        if "year" in query:
            assert "year" in error["message"], query
        elif query.get("format") not in (None, "html", "pdf", "xlsx", "csv"):
            assert error["message"] == "format must be html, pdf, xlsx or csv.", query
        else:
            assert "2026-10" in error["message"], query


def stranger_token(app) -> str:
    """The manager of another alliance, who is no member of Riverside."""
    with app.app_context():
        session = db.session
        elsewhere = members.create_alliance(session, CLI, name="Elsewhere", slug="elsewhere")
        council = members.add_organisation(
            session,
            CLI,
            elsewhere,
            name="Elsewhere Council",
            kind=OrganisationKind.COMMISSIONER,
            joined_on=date(2026, 4, 1),
        )
        user = create_user(
            session,
            CLI,
            email="manager@elsewhere.example",
            name="Other",
            password=DEMO_PASSWORD,
            min_length=15,
        )
        members.add_member(session, CLI, elsewhere, user, council, {Role.MANAGER})
        session.commit()
    return token_for(app, "manager@elsewhere.example")


def test_strangers_get_404_and_no_token_401_on_every_report(app, api):
    stranger = Api(app, api.document, set(), stranger_token(app))
    member, anonymous = api("observer"), api(None)
    queries = {POOL: {"year": "2026"}, POOL_XLSX: {"year": "2026"}, POOL_CSV: {"year": "2026"}}
    queries |= {PACK: {"period": PERIOD, "format": "pdf"}, OPEN_DATA: {}}

    for path, query in queries.items():
        assert_json_error(stranger.get(path, 404, **query), 404)
        assert_json_error(member.get(path, 404, slug="elsewhere", **query), 404)
        assert_json_error(member.get(path, 404, slug="nowhere", **query), 404)
        error = assert_json_error(anonymous.get(path, 401, **query), 401)
        assert error["code"] == "unauthorised"
    # The stranger's own alliance answers, with nothing of Riverside's in it.
    own = stranger.get(POOL, slug="elsewhere", year="2026").get_json()
    assert own["position"]["contributed"] == "0.00" and own["risk_share"] is None


def attachment(response, name: str) -> None:
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="{name}"'), disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_every_file_answers_with_its_type_and_as_an_attachment(api):
    person = api("trust.finance")

    workbook = person.get(POOL_XLSX, year="2026")
    assert workbook.mimetype == XLSX
    attachment(workbook, "riverside-pool-2026-27.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(workbook.get_data()), read_only=True)
    assert book.sheetnames[0] == "Position"

    table = person.get(POOL_CSV, year="2026")
    assert table.content_type == "text/csv; charset=utf-8"
    attachment(table, "riverside-pool-2026-27.csv")
    assert table.get_data().startswith('\ufeff"Section","Item","Figure","Amount"'.encode())

    pdf = person.get(PACK, period=PERIOD, format="pdf")
    assert pdf.mimetype == "application/pdf" and pdf.get_data().startswith(b"%PDF-")
    attachment(pdf, "riverside-board-pack-2026-10.pdf")

    pack = person.get(PACK, period=PERIOD, format="xlsx")
    assert pack.mimetype == XLSX
    attachment(pack, "riverside-board-pack-2026-10.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(pack.get_data()), read_only=True)
    assert book.sheetnames[0] == "Board pack"

    table = person.get(PACK, period=PERIOD, format="csv")
    assert table.content_type == "text/csv; charset=utf-8"
    attachment(table, "riverside-board-pack-2026-10.csv")
    text = table.get_data().decode("utf-8-sig")
    assert text.startswith('"Section","Item","Figure","Amount"')
    assert '"Position","Contributed by the commissioners","Amount (£)","2030000.00"' in text
    assert '"Decisions pending","RCNA-2026-002 · Offer no-strings vapes' in text

    page = person.get(PACK, period=PERIOD, format="html")
    assert page.mimetype == "text/html" and "Content-Disposition" not in page.headers
    html = page.get_data(as_text=True)
    assert "Riverside Complex Needs Alliance: October 2026" in html
    assert "£2,030,000.00" in html
    # html is the default format
    assert person.get(PACK, period=PERIOD).get_data(as_text=True).count("£2,030,000.00") == 1

    zipped = person.get(OPEN_DATA)
    assert zipped.mimetype == "application/zip"
    assert re.fullmatch(
        r'attachment; filename="riverside-open-data-\d{4}-\d\d-\d\d\.zip".*',
        zipped.headers["Content-Disposition"],
    )
    with zipfile.ZipFile(io.BytesIO(zipped.get_data())) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
    assert any(n.endswith(".csv") for n in names) and any("README" in n for n in names)


def test_every_documented_report_operation_is_exercised(api):
    person = api("council.commissioner")
    person.get(POOL, year="2026")
    person.get(POOL_XLSX, year="2026")
    person.get(POOL_CSV, year="2026")
    person.get(PACK, period=PERIOD, format="xlsx")
    person.get(OPEN_DATA)

    documented = {
        op for op in documented_operations(api.document) if op[0].startswith(REPORT_PATHS)
    }
    assert documented == {(path, "GET") for path in (POOL, POOL_XLSX, POOL_CSV, PACK, OPEN_DATA)}
    assert documented - api.exercised == set()
