"""Scope a blueprint to one alliance: /alliances/<slug>/…, members only, others get 404."""

from flask import Blueprint, abort, flash, g, redirect, url_for
from flask_login import current_user

from alliance.db import db
from alliance.members.rules import Action, needs_second_factor
from alliance.members.services import membership_by_slug, require
from alliance.security_log import security_event


def alliance_blueprint(name: str, import_name: str, prefix: str = "") -> Blueprint:
    """Make a blueprint whose every view sees g.alliance and g.membership."""
    bp = Blueprint(name, import_name, url_prefix=f"/alliances/<slug>{prefix}")

    @bp.url_value_preprocessor
    def _pull_slug(_endpoint, values):
        g.alliance_slug = values.pop("slug", None)

    @bp.url_defaults
    def _add_slug(_endpoint, values):
        if "slug" not in values and g.get("alliance") is not None:
            values["slug"] = g.alliance.slug

    @bp.before_request
    def _load_alliance():
        if not current_user.is_authenticated:
            from flask import current_app

            return current_app.login_manager.unauthorized()
        membership = membership_by_slug(db.session, g.alliance_slug, current_user)
        if membership is None:
            # No difference between "does not exist" and "not yours": no existence leak,
            # but the attempt is logged, so probing other alliances leaves a trace.
            security_event(
                "authz_fail", user=f"user {current_user.id}", reason="not a member of this alliance"
            )
            abort(404)
        g.alliance = alliance = membership.alliance
        g.membership = membership
        needs = needs_second_factor(
            membership.roles, alliance_requires=alliance.require_second_factor
        )
        if needs and not current_user.has_second_factor:
            flash(
                f"{alliance.name} asks managers, board representatives and alternates to use "
                "a second factor. Set yours up to carry on.",
                "info",
            )
            return redirect(url_for("auth.second_factor"))
        return None

    return bp


def require_role(action: Action) -> None:
    """Refuse the request (403) unless the signed-in member's roles allow the action."""
    require(g.membership, action)


def record_download(action: str, **summary) -> None:
    """Put a download of the alliance's data on the record: open book, but traceable.

    It goes on the installation's chain (like sign-ins), naming the alliance, so reading
    never moves the head hash of the alliance's own record that the board minutes: a
    board pack downloaded twice shows the same head as its page. A GET has a read
    session; the event commits with the request (alliance/web.py).
    """
    from alliance.audit.services import record_event
    from alliance.web import current_actor

    record_event(
        db.session,
        current_actor(),
        action,
        object_type="alliance",
        object_id=g.alliance.id,
        summary=summary,
    )
