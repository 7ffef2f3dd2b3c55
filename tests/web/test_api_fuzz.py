"""Fuzz the JSON API from its own OpenAPI document (schemathesis, in-process over WSGI).

Every documented operation is called with generated requests, valid and hostile (bodies,
query strings and path parameters; schemathesis' examples, coverage and fuzzing phases,
positive and negative), as a member who may do nearly everything (a manager acting as
chair, finance lead and board representative). No request may answer 5xx, every status
must be documented, and every body the document describes must match it. Path parameters
name the real objects made first as often as generated values, so the fuzzing reaches
decisions, ledger versions and learning entries, not only 404s.

The schema is the served document (alliance.api.openapi.document(); the first test
checks that /api/v1/openapi.json serves just that), loaded at collection so that each
operation is a test of its own: schemathesis' pytest.from_fixture, which would
load it from the app, fails on pytest 9.2 (it sets Function._nodeid, which pytest 9.2
no longer has).
"""

import io
import json
import os
from datetime import date, timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from alliance import create_app
from alliance.actors import CLI
from alliance.api.openapi import document
from alliance.auth.services import create_user
from alliance.db import db
from alliance.ledgers.structure import seed_structure
from alliance.members import services as members
from alliance.members.models import Alliance, OrganisationKind, Role
from tests.conftest import TEST_SETTINGS
from tests.support import PASSWORD, build_world
from tests.web.api_support import API, api_send, bearer, served_document, token_for

CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.response_schema_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.status_code_conformance,
]
PERIOD = "2026-04..2027-03"
LEDGER = b"Month,Cost category,Amount\n2026-04,Staff,1200.50\n2026-05,Rent,-10.50\n"
SECOND_LEDGER = LEDGER + b'2026-06,Grants,"(500.00)"\n'


def _ok(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    return response.get_json()


def _fuzzer(app, world) -> str:
    """A manager (acting as chair), finance lead and board representative of a provider."""
    with app.app_context():
        session = db.session
        alliance = session.get(Alliance, world.alliance_id)
        org = members.add_organisation(
            session,
            CLI,
            alliance,
            name="Fuzz Provider",
            kind=OrganisationKind.PROVIDER,
            joined_on=date(2026, 4, 1),
        )
        user = create_user(
            session,
            CLI,
            email="fuzz@riverside.example",
            name="Fuzz",
            password=PASSWORD,
            min_length=15,
        )
        roles = {Role.MANAGER, Role.FINANCE_LEAD, Role.BOARD_REPRESENTATIVE}
        members.add_member(session, CLI, alliance, user, org, roles)
        seed_structure(session, CLI, alliance, 2026)
        session.commit()
        return org.slug


def _decisions(app, raw: str) -> list[str]:
    """Open decisions to vote on and close, a draft to open, one deadlocked key issue."""
    base = f"{API}/alliances/riverside/decisions"
    refs = []
    for n, kind in enumerate(("key_issue", "operational", "key_issue", "operational")):
        proposal = {
            "title": f"Proposal {n}",
            "question": "Shall we?",
            "kind": kind,
            "rationale": "People asked for it",
            "principles": ["b"],
            "closes_at": "2099-03-03T17:00:00Z",
        }
        refs.append(_ok(api_send(app, "POST", base, raw, proposal), 201)["reference"])
    for ref in refs[:3]:
        _ok(api_send(app, "POST", f"{base}/{ref}/open", raw), 200)
    block = {"position": "block", "reason": "Unsafe", "principles": ["b"]}
    _ok(api_send(app, "POST", f"{base}/{refs[2]}/votes", raw, block), 201)
    closed = _ok(api_send(app, "POST", f"{base}/{refs[2]}/close", raw, {"reason": "Done"}), 200)
    assert closed["deadlock"] is not None
    return refs


def _ledgers(app, raw: str, org: str) -> list[str]:
    """Version 1 of the fuzzer's ledger, and a second file staged but not submitted."""
    base = f"{API}/alliances/riverside/ledgers/uploads"
    staged = []
    for content in (LEDGER, SECOND_LEDGER):
        form = {"organisation": org, "period": PERIOD, "file": (io.BytesIO(content), "l.csv")}
        response = app.test_client().post(base, headers=bearer(raw), data=form)
        staged.append(_ok(response, 201)["id"])
    _ok(api_send(app, "POST", f"{base}/{staged[0]}/submit", raw), 201)
    return staged[1:]


def _learning(app, raw: str) -> dict[str, int]:
    """An experiment with a question, a measure with a value, an assurance statement."""
    base = f"{API}/alliances/riverside"
    entry = {"kind": "experiment", "title": "Try it", "summary": "A kit.", "principles": ["b"]}
    number = _ok(api_send(app, "POST", f"{base}/learning", raw, entry), 201)["id"]
    asked = api_send(app, "POST", f"{base}/learning/{number}/questions", raw, {"text": "Why?"})
    question = _ok(asked, 201)["questions"][0]["id"]
    measure = {"name": "Admissions", "unit": "people", "source": "HES", "definition": "All"}
    measure_id = _ok(api_send(app, "POST", f"{base}/measures", raw, measure), 201)["id"]
    value = {"period_start": "2026-04-01", "period": "Q1", "value": "512.40"}
    _ok(api_send(app, "POST", f"{base}/measures/{measure_id}/values", raw, value), 201)
    statement = {
        "period_start": "2026-04-01",
        "period_end": "2026-06-30",
        "assured_that": "the offer reaches people",
        "because": "they took a kit",
        "entries": [f"L-{number}"],
    }
    made = _ok(api_send(app, "POST", f"{base}/assurance-statements", raw, statement), 201)
    return {"entry": number, "question_id": question, "measure_id": measure_id} | {
        "statement": made["id"]
    }


#: What a path parameter may name besides generated values. Strings the fixture cannot
#: know in advance (decision references carry the year, upload ids are random) are
#: placeholders, swapped for the real value when the request is sent.
REAL_VALUES = {
    "slug": ["riverside"],
    "reference": [f"decision-{n}" for n in range(4)],
    "org": ["fuzz-provider", "vale-trust", "2"],
    "upload_id": ["staged-upload"],
    "number": [1],
    "question_id": [1],
    "measure_id": [1],
}
PLACEHOLDERS: dict[str, str] = {}
TOKEN: dict[str, str] = {}


def make_content(app, world) -> None:
    """Make the objects REAL_VALUES names, as the fuzzing member, through the API."""
    org = _fuzzer(app, world)
    raw = token_for(app, "fuzz@riverside.example")
    learning = _learning(app, raw)
    assert learning == {"entry": 1, "question_id": 1, "measure_id": 1, "statement": 1}
    assert org == "fuzz-provider" and world.orgs["trust"] == 2
    references = _decisions(app, raw)
    (upload,) = _ledgers(app, raw, org)
    TOKEN["raw"] = raw
    PLACEHOLDERS.update({f"decision-{n}": ref for n, ref in enumerate(references)})
    PLACEHOLDERS["staged-upload"] = upload


#: A body each write should accept in this world, as its schema's example: the examples
#: phase sends it, so the fuzzing checks a success of every operation, not only refusals.
BODY_EXAMPLES = {
    "DeadlockStepRequest": {"notes": "Cooling off agreed"},
    "LearningEntryRequest": {"kind": "reflection", "title": "Open books", "principles": ["b"]},
    "GateRequest": {"legal": True, "legal_basis": "Adults", "safe": True, "safe_basis": "Kits"},
    "TextRequest": {"text": "Did anyone stop?"},
    "AssuranceStatementRequest": {
        "period_start": "2026-04-01",
        "period_end": "2026-06-30",
        "assured_that": "the offer reaches people",
        "because": "they took a kit",
        "entries": ["L-1"],
    },
    "MeasureRequest": {"name": "Rough sleepers", "unit": "people", "source": "Count"}
    | {"definition": "Seen on one night"},
    "MeasureValueRequest": {"period_start": "2026-07-01", "period": "Q2", "value": "12"},
}
UPLOAD_EXAMPLE = {"organisation": "fuzz-provider", "period": PERIOD}


def fuzzing_document() -> dict:
    """The served document with examples: a real object for each path parameter (the
    coverage phase varies one part of a request at a time and takes the rest from the
    examples; without them, every body it varied went to alliance "0", a 404), and a
    body each write should accept."""
    found = document()
    for path, item in found["paths"].items():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path":
                    parameter["example"] = REAL_VALUES[parameter["name"]][0]
            if path.endswith("/ledgers/uploads"):
                form = operation["requestBody"]["content"]["multipart/form-data"]["schema"]
                form["example"] = UPLOAD_EXAMPLE | {"file": "Month,Amount\n2026-07,1.00\n"}
    for name, body in BODY_EXAMPLES.items():
        found["components"]["schemas"][name]["example"] = body
    return found


schema = schemathesis.openapi.from_dict(fuzzing_document())


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    """Name a real object as often as a generated value."""
    if not path_parameters:
        return st.just(path_parameters)
    return st.fixed_dictionaries(
        {
            name: st.sampled_from([*REAL_VALUES.get(name, []), generated])
            for name, generated in path_parameters.items()
        }
    )


def closing(wsgi_app):
    """Read each answer whole and close it, as a WSGI server does; schemathesis reads the
    body but never closes it, which leaves a spooled download (open-data.zip) to close at
    garbage collection with a ResourceWarning."""

    def app(environ, start_response):
        answer = wsgi_app(environ, start_response)
        try:
            return [b"".join(answer)]
        finally:
            if hasattr(answer, "close"):
                answer.close()

    return app


@pytest.fixture(scope="module")
def fuzzed(server, tmp_path_factory):
    """One app and world per database, shared by every operation (setting up a world per
    operation would cost more than the fuzzing). Uploads are not throttled here: the
    fuzzer sends more files than a person may in the window."""
    app = create_app(
        {
            **TEST_SETTINGS,
            "DATABASE_URL": server.fresh_url(),
            "INSTANCE_PATH": str(tmp_path_factory.mktemp("fuzz")),
            "LEDGER_UPLOADS_PER_WINDOW": 1_000_000,
        }
    )
    app.wsgi_app = closing(app.wsgi_app)
    make_content(app, build_world(app))
    yield app
    PLACEHOLDERS.clear()
    TOKEN.clear()
    app.extensions["alliance.db"]["engine"].dispose()


def test_the_fuzzed_document_is_the_one_the_api_serves(fuzzed):
    assert served_document(fuzzed) == json.loads(json.dumps(document()))


@schema.parametrize()
@settings(
    # Fixed examples (derandomize), few enough that each database takes about a minute
    # and a half; ALLIANCE_FUZZ_EXAMPLES=500 searches further by hand.
    max_examples=int(os.environ.get("ALLIANCE_FUZZ_EXAMPLES", "25")),
    derandomize=True,
    # One request, however hostile, answers within seconds (the board pack's PDF is the
    # slowest); the default 200 ms would fail a loaded machine, not the app.
    deadline=timedelta(seconds=10),
    # Each example is a request to a real database (slow by Hypothesis' measure), and
    # schemathesis filters out generated values it cannot send.
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_no_request_makes_a_server_error_and_answers_match_the_document(case, fuzzed):
    for name, value in case.path_parameters.items():
        if isinstance(value, str) and value in PLACEHOLDERS:
            case.path_parameters[name] = PLACEHOLDERS[value]
    case.call_and_validate(app=fuzzed, headers=bearer(TOKEN["raw"]), checks=CHECKS)
