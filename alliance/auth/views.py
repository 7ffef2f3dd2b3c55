"""Sign in and out, accept an invitation, and manage your own account and tokens."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from alliance.actors import Actor
from alliance.auth import services
from alliance.auth.forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    ConfirmForm,
    SignInForm,
    TokenForm,
)
from alliance.auth.fresh import fresh_sign_in_required
from alliance.auth.models import ApiToken, UserSession
from alliance.auth.rules import ThrottleLimits
from alliance.db import db, utcnow
from alliance.errors import DomainError
from alliance.members import services as members
from alliance.safe_redirect import safe_next
from alliance.web import current_actor, device_user_ids, set_device_cookie

bp = Blueprint("auth", __name__)


def throttle_limits() -> ThrottleLimits:
    cfg = current_app.config
    return ThrottleLimits(
        window_minutes=cfg["LOGIN_WINDOW_MINUTES"],
        max_failures_per_account=cfg["LOGIN_MAX_FAILURES_PER_ACCOUNT"],
        max_failures_per_address=cfg["LOGIN_MAX_FAILURES_PER_ADDRESS"],
    )


def begin_session(user):
    """Start a fresh server-side session: a new identifier, so no fixation."""
    raw = services.start_session(
        db.session, user, ip=request.remote_addr, user_agent=request.user_agent.string
    )
    session.clear()
    session.permanent = True
    login_user(user)
    session["sid"] = raw


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    form = SignInForm()
    target = safe_next(request.values.get("next"), url_for("home.index"))
    if current_user.is_authenticated:
        return redirect(target)
    error = None
    if form.validate_on_submit():
        attempt = services.SignInAttempt(
            email=form.email.data,
            password=form.password.data,
            ip_address=request.remote_addr or "unknown",
            device_user_ids=device_user_ids(current_app),
        )
        try:
            user = services.authenticate(db.session, attempt, throttle_limits())
        except services.TooManyAttempts as exc:
            return render_template("auth/sign_in.html", form=form, error=exc.message), 429
        except services.InvalidCredentials as exc:
            db.session.commit()  # keep the failed attempt: it counts towards throttling
            error = exc.message
        else:
            if user.has_second_factor:
                # Half signed in: the code page finishes it (or the wait runs out).
                session.clear()
                session["pending_sign_in"] = {
                    "user_id": user.id,
                    "at": int(utcnow().timestamp()),
                    "next": target,
                }
                return redirect(url_for("auth.second_factor_code"))
            begin_session(user)
            response = redirect(target)
            set_device_cookie(current_app, response, user.id)
            return response
    status = 200 if not form.errors else 422
    return render_template("auth/sign_in.html", form=form, error=error, next=target), status


@bp.route("/sign-out", methods=["POST"])
def sign_out():
    if current_user.is_authenticated:
        services.sign_out(db.session, current_actor(), session.get("sid"))
    logout_user()
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("auth.sign_in"))


@bp.route("/account")
@login_required
def account():
    tokens = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == current_user.id).order_by(ApiToken.id.desc())
    ).all()
    sessions = db.session.scalars(
        select(UserSession)
        .where(UserSession.user_id == current_user.id, UserSession.revoked_at.is_(None))
        .order_by(UserSession.last_seen_at.desc())
    ).all()
    return render_template(
        "auth/account.html",
        tokens=tokens,
        sessions=sessions,
        current_sid_hash=services.sha256(session.get("sid", "")),
        token_form=TokenForm(),
        confirm=ConfirmForm(),
        new_token=session.pop("new_token", None),
    )


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                db.session,
                current_actor(),
                current=form.current_password.data,
                new=form.new_password.data,
                min_length=current_app.config["PASSWORD_MIN_LENGTH"],
                keep=session.get("sid"),
                places=members.places_of(db.session, current_user),
            )
        except services.WrongPassword as exc:
            form.current_password.errors.append(exc.message)
        except services.WeakPassword as exc:
            form.new_password.errors.extend(exc.problems)
        else:
            flash(
                "Your password has been changed. You have been signed out everywhere else.",
                "success",
            )
            return redirect(url_for("auth.account"))
    status = 422 if form.errors else 200
    return render_template("auth/change_password.html", form=form), status


@bp.route("/account/sessions/end-others", methods=["POST"])
@login_required
def end_other_sessions():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    ended = services.revoke_all_sessions(db.session, current_user, keep=session.get("sid"))
    flash(f"Signed out of {ended} other session{'s' if ended != 1 else ''}.", "success")
    return redirect(url_for("auth.account"))


@bp.route("/account/tokens", methods=["POST"])
@login_required
@fresh_sign_in_required("auth.account", "create an API token")
def create_token():
    form = TokenForm()
    if not form.validate_on_submit():
        abort(422, "Give the token a name of 100 characters or fewer.")
    _, raw = services.create_api_token(db.session, current_actor(), current_user, form.name.data)
    # Shown once, on the next page; never stored in clear.
    session["new_token"] = raw
    return redirect(url_for("auth.account"))


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)
    services.revoke_api_token(db.session, current_actor(), token)
    flash(f"Token “{token.name}” revoked.", "success")
    return redirect(url_for("auth.account"))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    invitation = members.open_invitation(db.session, token)
    existing = services.user_by_email(db.session, invitation.email)
    if existing is not None and existing.password_hash:
        return _accept_as_existing(token, invitation, existing)
    form = AcceptInvitationForm(name=invitation.name)
    if form.validate_on_submit():
        actor = Actor(user=None, ip_address=request.remote_addr)
        min_length = current_app.config["PASSWORD_MIN_LENGTH"]
        try:
            services.check_new_password(
                form.new_password.data,
                min_length=min_length,
                context=(
                    invitation.email.split("@")[0],
                    *form.name.data.split(),
                    *services.squashed_names(members.places_of_invitation(invitation)),
                ),
            )
            user = existing or services.create_user(
                db.session,
                actor,
                email=invitation.email,
                name=form.name.data,
                password=None,
                min_length=min_length,
            )
            services.set_password(
                db.session,
                Actor(user=user, ip_address=actor.ip_address),
                user,
                form.new_password.data,
            )
            members.accept_invitation(db.session, token, user, request.remote_addr)
        except services.WeakPassword as exc:
            form.new_password.errors.extend(exc.problems)
        except DomainError as exc:
            form.form_errors.append(exc.message)
        else:
            begin_session(user)
            flash(f"Welcome to {invitation.alliance.name}.", "success")
            return redirect(url_for("members.dashboard", slug=invitation.alliance.slug))
    status = 422 if form.errors else 200
    return render_template("auth/accept_invitation.html", form=form, invitation=invitation), status


def _accept_as_existing(token, invitation, existing):
    """Someone with an account joins by signing in as themselves and confirming."""
    form = ConfirmForm()
    signed_in_as_invitee = current_user.is_authenticated and current_user.id == existing.id
    if signed_in_as_invitee and form.validate_on_submit():
        members.accept_invitation(db.session, token, existing, request.remote_addr)
        flash(f"You have joined {invitation.alliance.name}.", "success")
        return redirect(url_for("members.dashboard", slug=invitation.alliance.slug))
    return render_template(
        "auth/invitation_existing.html",
        invitation=invitation,
        form=form,
        signed_in_as_invitee=signed_in_as_invitee,
        sign_in_url=url_for("auth.sign_in", next=request.path),
    )
