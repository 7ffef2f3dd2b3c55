"""The ledgers blueprint and the helpers its pages share."""

from flask import abort, g

from alliance.db import db
from alliance.errors import DomainError
from alliance.scoping import alliance_blueprint

bp = alliance_blueprint("ledgers", __name__, "/ledgers")


def scoped_or_404(model, object_id: int):
    """Load a record of this alliance, or 404 (never another alliance's)."""
    obj = db.session.get(model, object_id)
    if obj is None or obj.alliance_id != g.alliance.id:
        abort(404)
    return obj


def show_error(form, exc: DomainError) -> None:
    """Put a service's refusal on the field it is about (or the form), for the summary."""
    field = getattr(form, exc.context.get("field") or "", None)
    if field is not None:
        field.errors = [*field.errors, exc.message]
    else:
        form.form_errors.append(exc.message)
