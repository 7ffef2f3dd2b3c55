"""The OpenAPI 3.1 document of /api/v1. Tests check every path here against the app."""

from copy import deepcopy

from alliance.api.openapi.common import PATHS, SCHEMAS
from alliance.api.openapi.decisions import DECISION_PATHS, DECISION_SCHEMAS
from alliance.api.openapi.learning import LEARNING_PATHS, LEARNING_SCHEMAS
from alliance.api.openapi.ledgers import LEDGER_PATHS, LEDGER_SCHEMAS
from alliance.api.openapi.measures import MEASURE_PATHS, MEASURE_SCHEMAS
from alliance.api.openapi.reports import REPORT_PATHS, REPORT_SCHEMAS


def document() -> dict:
    """Return the OpenAPI document (a fresh copy each time)."""
    return deepcopy(
        {
            "openapi": "3.1.0",
            "info": {
                "title": "alliance API",
                "version": "1",
                "description": "Read the alliance register and its tamper-evident record, vote on "
                "decisions, upload and read open-book ledgers, and keep the learning log and "
                "the board's assurance statements, and read the pooled budget, the board pack and "
                "the open data. Money is sent as strings with two decimal "
                "places; times are ISO 8601 UTC with Z.",
            },
            "servers": [{"url": "/api/v1"}],
            "security": [{"bearer": []}],
            "paths": {
                **PATHS,
                **DECISION_PATHS,
                **LEDGER_PATHS,
                **LEARNING_PATHS,
                **MEASURE_PATHS,
                **REPORT_PATHS,
                "/openapi.json": {
                    "get": {
                        "operationId": "getOpenApi",
                        "summary": "This document",
                        "security": [],
                        "responses": {
                            "200": {
                                "description": "The OpenAPI document",
                                "content": {"application/json": {"schema": {"type": "object"}}},
                            }
                        },
                    }
                },
            },
            "components": {
                "schemas": {
                    **SCHEMAS,
                    **DECISION_SCHEMAS,
                    **LEDGER_SCHEMAS,
                    **LEARNING_SCHEMAS,
                    **MEASURE_SCHEMAS,
                    **REPORT_SCHEMAS,
                },
                "securitySchemes": {
                    "bearer": {
                        "type": "http",
                        "scheme": "bearer",
                        "description": "A personal access token",
                    }
                },
            },
        }
    )
