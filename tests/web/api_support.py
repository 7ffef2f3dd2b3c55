"""What the JSON API tests share: tokens, requests, and bodies checked against the OpenAPI."""

from datetime import date

from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from alliance.actors import CLI
from alliance.auth.services import create_api_token, user_by_email
from alliance.db import db
from alliance.members import services as members
from alliance.members.models import Alliance, AppointmentKind, InterestKind

API = "/api/v1"
DOCUMENT_URI = "urn:alliance:openapi"
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
#: Covered by tests/web/test_ledger_api.py, which validates each response against the document.
LEDGER_PATHS = "/alliances/{slug}/ledgers/"
LEARNING_PATHS = (
    "/alliances/{slug}/learning",
    "/alliances/{slug}/assurance-statements",
    "/alliances/{slug}/measures",
)
#: Covered by tests/web/test_report_api.py (files as well as JSON).
REPORT_PATHS = (
    "/alliances/{slug}/pool",
    "/alliances/{slug}/board-pack",
    "/alliances/{slug}/open-data.zip",
)


def token_for(app, email: str) -> str:
    """Create an API token for a person, as `alliance token create` would."""
    with app.app_context():
        user = user_by_email(db.session, email)
        _, raw = create_api_token(db.session, CLI, user, "tests")
        db.session.commit()
    return raw


def bearer(raw: str) -> dict:
    return {"Authorization": f"Bearer {raw}"}


def served_document(app) -> dict:
    response = app.test_client().get(f"{API}/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def documented_operations(document: dict) -> set[tuple[str, str]]:
    return {
        (path, method.upper())
        for path, item in document["paths"].items()
        for method in item
        if method in HTTP_METHODS
    }


def pointer_part(text: str) -> str:
    return text.replace("~", "~0").replace("/", "~1")


def response_validator(
    document: dict, path: str, method: str, status: str = "200"
) -> Draft202012Validator:
    """A validator for a documented JSON body, resolving refs within the document."""
    registry = Registry().with_resource(DOCUMENT_URI, DRAFT202012.create_resource(document))
    pointer = "/".join(
        [
            "paths",
            pointer_part(path),
            method.lower(),
            "responses",
            status,
            "content",
            pointer_part("application/json"),
            "schema",
        ]
    )
    return Draft202012Validator(
        {"$ref": f"{DOCUMENT_URI}#/{pointer}"},
        registry=registry,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def schema_errors(validator: Draft202012Validator, body) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(body)
    ]


def assert_json_error(response, status: int) -> dict:
    assert response.status_code == status
    assert response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    return error


def fill_world(app, world) -> None:
    """Give every list in the API something to show: a value, an interest, a chair."""
    with app.app_context():
        session = db.session
        alliance = session.get(Alliance, world.alliance_id)
        members.add_value(session, CLI, alliance, name="Openness", description="We share early")
        chair = user_by_email(session, world.emails["board_representative"])
        members.appoint(
            session,
            CLI,
            alliance,
            user=chair,
            kind=AppointmentKind.CHAIR,
            title="Chair of the board",
            rationale="Chosen by the board as the best person",
            starts_on=date(2026, 4, 1),
        )
        membership = members.membership_of(session, alliance, chair)
        members.declare_interest(
            session, CLI, membership, kind=InterestKind.FINANCIAL, description="Owns shares"
        )
        session.commit()


DECISION_OPS = {
    ("/alliances/{slug}/decisions", "POST"),
    ("/alliances/{slug}/decisions/{reference}/open", "POST"),
    ("/alliances/{slug}/decisions/{reference}", "GET"),
    ("/alliances/{slug}/decisions/{reference}/votes", "POST"),
    ("/alliances/{slug}/decisions/{reference}/close", "POST"),
    ("/alliances/{slug}/decisions/{reference}/deadlock", "GET"),
    ("/alliances/{slug}/decisions/{reference}/deadlock/steps", "POST"),
}


def api_send(app, method, url, raw, body=None):
    return app.test_client().open(url, method=method, headers=bearer(raw), json=body)
