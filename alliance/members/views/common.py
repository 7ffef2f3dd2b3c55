"""The register's blueprints and the helpers every page of it uses."""

from flask import (
    Blueprint,
    abort,
    g,
    redirect,
    render_template,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from alliance.db import db
from alliance.errors import DomainError
from alliance.members import services
from alliance.members.models import (
    Membership,
    Organisation,
)
from alliance.members.rules import Action, allowed
from alliance.scoping import alliance_blueprint

bp = alliance_blueprint("members", __name__)
home_bp = Blueprint("home", __name__)


@home_bp.route("/", endpoint="index")
@login_required
def home():
    memberships = db.session.scalars(
        select(Membership)
        .where(Membership.user_id == current_user.id)
        .options(selectinload(Membership.alliance))
    ).all()
    if len(memberships) == 1:
        return redirect(url_for("members.dashboard", slug=memberships[0].alliance.slug))
    return render_template("home.html", memberships=memberships)


@bp.app_context_processor
def _can():
    """Let templates ask `can('manage_members')` to show or hide buttons."""

    def can(action: str) -> bool:
        membership = g.get("membership")
        return membership is not None and allowed(membership.roles, Action(action))

    return {"can": can}


def alliance_organisations():
    return services.alphabetical(
        db.session.scalars(select(Organisation).where(Organisation.alliance_id == g.alliance.id))
    )


def alliance_memberships():
    return db.session.scalars(
        select(Membership)
        .where(Membership.alliance_id == g.alliance.id)
        .options(
            selectinload(Membership.user),
            selectinload(Membership.role_rows),
            selectinload(Membership.organisation),
        )
    ).all()


def scoped_or_404(model, object_id: int):
    """Load a record of this alliance, or 404 (never another alliance's)."""
    obj = db.session.get(model, object_id)
    if obj is None or obj.alliance_id != g.alliance.id:
        abort(404)
    return obj


def show_error(form, exc: DomainError) -> int:
    form.form_errors.append(exc.message)
    return exc.status if exc.status >= 400 else 422
