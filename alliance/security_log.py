"""Security events for the application log: one JSON object a line, never a secret."""

import json
import logging

from flask import has_request_context, request

logger = logging.getLogger("alliance.security")
MAX_FIELD = 200


def _clip(value):
    text = str(value)
    return text if len(text) <= MAX_FIELD else text[:MAX_FIELD] + "…"


def security_event(event: str, **fields) -> None:
    """Log an event named in the OWASP logging vocabulary (authz_fail, malicious_csrf, …).

    json.dumps escapes CR, LF and other control characters, so a hostile value cannot
    forge a log line.
    """
    record = {"event": event, **{k: _clip(v) for k, v in fields.items() if v is not None}}
    if has_request_context():
        record.setdefault("ip", request.remote_addr)
        record.setdefault("path", _clip(request.path))
        record.setdefault("method", request.method)
    logger.warning(json.dumps(record, sort_keys=True))
