"""The learning API: every answer checked against the OpenAPI document, and every
documented learning operation exercised."""

import pytest

from tests.web.api_support import (
    API,
    LEARNING_PATHS,
    bearer,
    documented_operations,
    response_validator,
    schema_errors,
    served_document,
    token_for,
)

ENTRIES = "/alliances/{slug}/learning"
ENTRY = "/alliances/{slug}/learning/{number}"
GATE = "/alliances/{slug}/learning/{number}/gate"
QUESTIONS = "/alliances/{slug}/learning/{number}/questions"
ANSWERS = "/alliances/{slug}/learning/{number}/questions/{question_id}/answers"
STATEMENTS = "/alliances/{slug}/assurance-statements"
STATEMENT = "/alliances/{slug}/assurance-statements/{number}"
MEASURES = "/alliances/{slug}/measures"
VALUES = "/alliances/{slug}/measures/{measure_id}/values"


class Api:
    """Calls the API as one person, checking each answer against the OpenAPI document."""

    def __init__(self, app, document: dict, exercised: set, raw: str):
        self.app, self.document, self.exercised = app, document, exercised
        self.headers = bearer(raw)

    def call(self, method, path, status, body=None, **params):
        url = API + path.format(slug="riverside", **params)
        response = self.app.test_client().open(url, method=method, headers=self.headers, json=body)
        assert response.status_code == status, (method, path, response.get_data(as_text=True))
        validator = response_validator(self.document, path, method.lower(), str(status))
        assert schema_errors(validator, response.get_json()) == [], (method, path, status)
        self.exercised.add((path, method))
        return response


@pytest.fixture
def api(app, world):
    document, exercised = served_document(app), set()
    people = {}

    def person(key: str) -> Api:
        if key not in people:
            people[key] = Api(app, document, exercised, token_for(app, world.emails[key]))
        return people[key]

    person.document, person.exercised = document, exercised
    return person


def test_the_whole_life_of_an_experiment_through_the_api(api):
    lead, board = api("finance_lead"), api("board_representative")
    made = lead.call(
        "POST",
        ENTRIES,
        201,
        {
            "kind": "experiment",
            "title": "No-strings vape offer",
            "summary": "A free kit, no conditions.",
            "themes": ["smoking"],
            "principles": ["b"],
        },
    )
    assert made.headers["Location"].endswith("/learning/1")
    entry = made.get_json()
    assert (entry["reference"], entry["status"], entry["gate"]["passed"]) == ("L-1", "idea", False)

    refused = lead.call("PATCH", ENTRY, 422, {"status": "running"}, number=1).get_json()
    assert "passed the gate" in refused["error"]["message"]
    gated = lead.call(
        "POST",
        GATE,
        200,
        {"legal": True, "legal_basis": "Adults only.", "safe": True, "safe_basis": "Sealed kits."},
        number=1,
    ).get_json()
    assert (gated["status"], gated["gate"]["passed"], gated["revision"]) == ("running", True, 2)
    edited = lead.call(
        "PATCH", ENTRY, 200, {"happened": "41 people took a kit.", "revision": 2}, number=1
    ).get_json()
    assert (edited["revision"], edited["happened"], edited["title"]) == (
        3,
        "41 people took a kit.",
        "No-strings vape offer",
    )
    stale = lead.call("PATCH", ENTRY, 409, {"summary": "x", "revision": 2}, number=1)
    assert stale.get_json()["error"]["code"] == "edited_meanwhile"

    asked = board.call("POST", QUESTIONS, 201, {"text": "Did anyone stop?"}, number=1).get_json()
    question_id = asked["questions"][0]["id"]
    answered = lead.call(
        "POST", ANSWERS, 201, {"text": "Two did."}, number=1, question_id=question_id
    ).get_json()
    assert answered["questions"][0]["answers"][0]["text"] == "Two did."
    assert [r["number"] for r in answered["revisions"]] == [1, 2, 3]

    recorded = board.call(
        "POST",
        STATEMENTS,
        201,
        {
            "period_start": "2026-04-01",
            "period_end": "2026-06-30",
            "assured_that": "the offer reaches new people",
            "because": "41 took a kit",
            "entries": ["L-1"],
        },
    )
    statement = recorded.get_json()
    assert (statement["reference"], statement["entries"]) == ("AS-1", ["L-1"])
    for method in ("PATCH", "PUT", "DELETE"):
        frozen = board.call(method, STATEMENT, 405, {"because": "edited"}, number=1)
        assert frozen.headers["Allow"] == "GET"
        assert frozen.get_json()["error"]["code"] == "statement_frozen"
    assert board.call("GET", STATEMENT, 200, number=1).get_json()["because"] == "41 took a kit"
    listed = board.call("GET", STATEMENTS, 200).get_json()["items"]
    assert [s["reference"] for s in listed] == ["AS-1"]
    entries = lead.call("GET", ENTRIES, 200).get_json()["items"]
    assert [(e["reference"], e["status"]) for e in entries] == [("L-1", "running")]
    assert lead.call("GET", ENTRY, 200, number=1).get_json()["questions"][0]["text"] == (
        "Did anyone stop?"
    )
    commissioner = api("commissioner")
    measure = commissioner.call(
        "POST",
        MEASURES,
        201,
        {"name": "Admissions", "unit": "per 100,000", "source": "HES", "definition": "Narrow"},
    ).get_json()
    appended = commissioner.call(
        "POST",
        VALUES,
        201,
        {"period_start": "2026-04-01", "period": "Q1", "value": "512.40", "commentary": "Usual."},
        measure_id=measure["id"],
    ).get_json()
    assert appended["values"] == [
        {
            "period_start": "2026-04-01",
            "period": "Q1",
            "value": "512.4",
            "commentary": "Usual.",
            "recorded_at": appended["values"][0]["recorded_at"],
        }
    ]
    again = {"period_start": "2026-04-01", "value": "1"}
    assert commissioner.call("POST", VALUES, 409, again, measure_id=measure["id"])
    assert commissioner.call(
        "POST", VALUES, 422, {"period_start": "2026-07-01", "value": 5}, measure_id=measure["id"]
    )
    lead.call(
        "POST", VALUES, 403, {"period_start": "2026-07-01", "value": "5"}, measure_id=measure["id"]
    )
    listed = lead.call("GET", MEASURES, 200).get_json()["items"]
    assert [m["name"] for m in listed] == ["Admissions"]
    assert (
        lead.call("GET", VALUES, 200, measure_id=measure["id"]).get_json()["values"][0]["value"]
        == "512.4"
    )
    documented = {
        op for op in documented_operations(api.document) if op[0].startswith(LEARNING_PATHS)
    }
    assert documented - api.exercised == set()


@pytest.mark.parametrize(
    ("who", "path", "body", "status"),
    [
        ("observer", ENTRIES, {"kind": "reflection", "title": "x"}, 403),
        ("finance_lead", QUESTIONS, {"text": "Why?"}, 403),
        (
            "finance_lead",
            STATEMENTS,
            {
                "period_start": "2026-04-01",
                "period_end": "2026-06-30",
                "assured_that": "x",
                "because": "y",
            },
            403,
        ),
        ("finance_lead", ENTRIES, {"kind": "poem", "title": "x"}, 422),
        ("finance_lead", ENTRIES, {"kind": "reflection", "title": 5}, 400),
        ("finance_lead", GATE, {"legal": "yes"}, 422),
    ],
)
def test_who_may_write_and_what_is_refused(api, who, path, body, status):
    api("finance_lead").call("POST", ENTRIES, 201, {"kind": "experiment", "title": "Try it"})
    api(who).call("POST", path, status, body, number=1)


def test_an_entry_of_another_alliance_or_none_is_404(api):
    api("finance_lead").call("GET", ENTRY, 404, number=7)
