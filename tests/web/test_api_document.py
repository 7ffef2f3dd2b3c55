"""The API's OpenAPI document: valid, public, matching the routes, and true of every body."""

import re

from openapi_spec_validator import validate as validate_openapi

from tests.web.api_support import (
    API,
    DECISION_OPS,
    LEARNING_PATHS,
    LEDGER_PATHS,
    REPORT_PATHS,
    bearer,
    documented_operations,
    fill_world,
    response_validator,
    schema_errors,
    served_document,
    token_for,
)


def implemented_operations(app) -> set[tuple[str, str]]:
    """(OpenAPI-style path, method) of every /api/v1 route the app really serves."""
    operations = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(API + "/"):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule[len(API) :])
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            operations.add((path, method))
    return operations


# --- the document ------------------------------------------------------------------------


def test_the_served_openapi_document_is_valid_openapi_3_1(app):
    document = served_document(app)

    assert document["openapi"].startswith("3.1")
    validate_openapi(document)


def test_the_openapi_document_is_served_without_a_token(app):
    response = app.test_client().get(f"{API}/openapi.json")

    assert response.status_code == 200
    assert response.mimetype == "application/json"


def test_every_documented_path_is_a_route_and_every_route_is_documented(app):
    document = served_document(app)

    assert documented_operations(document) == implemented_operations(app)


def test_every_documented_endpoint_answers_with_its_documented_200_body(app, world):
    fill_world(app, world)
    raw = token_for(app, world.emails["manager"])
    document = served_document(app)
    operations = sorted(
        op
        for op in documented_operations(document)
        # Decisions, ledgers, learning and reports need data first: their own tests validate every
        # response (test_api_decisions, test_ledger_api, test_learning_api,
        # test_report_api).
        if op not in DECISION_OPS
        and not op[0].startswith((LEDGER_PATHS, *LEARNING_PATHS, *REPORT_PATHS))
    )
    assert operations, "the document has no operations"

    for path, method in operations:
        url = API + path.replace("{slug}", world.slug)
        response = app.test_client().open(url, method=method, headers=bearer(raw))
        assert response.status_code == 200, f"{method} {path}: {response.status_code}"
        assert response.mimetype == "application/json", f"{method} {path}"
        validator = response_validator(document, path, method)
        assert schema_errors(validator, response.get_json()) == [], f"{method} {path}"
