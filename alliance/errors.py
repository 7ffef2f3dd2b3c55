"""The base of every domain error; views turn them into pages and JSON."""


class DomainError(Exception):
    """A broken rule of the domain, with a plain-English message for people."""

    #: HTTP status the web and API layers answer with.
    status = 400
    #: Stable machine-readable code for the API.
    code = "invalid_request"
    #: An OWASP logging-vocabulary event to log when this is raised at a request, if any.
    security_event: str | None = None

    def __init__(self, message: str, **context) -> None:
        super().__init__(message)
        self.message = message
        self.context = context


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class Conflict(DomainError):
    status = 409
    code = "conflict"
