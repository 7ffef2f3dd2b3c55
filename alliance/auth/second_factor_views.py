"""Pages of the second factor: the code at sign-in, setting it up, recovery codes, and
confirming who you are again before an act that binds your organisation."""

from datetime import timedelta

import segno
from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from alliance.auth import second_factor as factors
from alliance.auth.forms import (
    ConfirmForm,
    ConfirmIdentityForm,
    SecondFactorForm,
    SetUpSecondFactorForm,
)
from alliance.auth.fresh import fresh_sign_in_required
from alliance.auth.models import User
from alliance.auth.services import InvalidCredentials, TooManyAttempts, session_for_token
from alliance.auth.views import begin_session, bp, throttle_limits
from alliance.db import db, utcnow
from alliance.errors import DomainError
from alliance.members.services import alliances_requiring_second_factor
from alliance.safe_redirect import safe_next
from alliance.web import current_actor, device_user_ids, set_device_cookie

ACCOUNT = "auth.second_factor"


def _pending_user() -> User | None:
    """The person whose password was accepted here moments ago, if the wait has not run out."""
    pending = session.get("pending_sign_in")
    if not isinstance(pending, dict):
        return None
    minutes = current_app.config["SECOND_FACTOR_PENDING_MINUTES"]
    started = pending.get("at", 0)
    if utcnow().timestamp() - started > timedelta(minutes=minutes).total_seconds():
        return None
    user = db.session.get(User, pending.get("user_id"))
    return user if user is not None and user.is_active and user.has_second_factor else None


@bp.route("/sign-in/code", methods=["GET", "POST"])
def second_factor_code():
    user = _pending_user()
    if user is None:
        session.pop("pending_sign_in", None)
        flash("Sign in again: the time to enter your code ran out.", "info")
        return redirect(url_for("auth.sign_in"))
    form = SecondFactorForm()
    if form.validate_on_submit():
        known = user.id in device_user_ids(current_app)
        try:
            used = factors.check_second_factor(
                db.session,
                current_actor(),
                user,
                form.code.data,
                limits=throttle_limits(),
                known_device=known,
            )
        except TooManyAttempts as exc:
            return render_template(
                "auth/second_factor_code.html", form=form, error=exc.message
            ), 429
        except factors.WrongCode as exc:
            db.session.commit()  # the failure counts towards throttling
            form.code.errors.append(exc.message)
        else:
            target = safe_next(session["pending_sign_in"].get("next"), url_for("home.index"))
            begin_session(user)
            if used == "recovery code":
                left = factors.unused_recovery_codes(db.session, user)
                flash(f"You used a recovery code. You have {left} left.", "info")
            response = redirect(target)
            set_device_cookie(current_app, response, user.id)
            return response
    status = 422 if form.errors else 200
    return render_template("auth/second_factor_code.html", form=form, error=None), status


@bp.route("/sign-in/confirm", methods=["GET", "POST"])
@login_required
def confirm():
    """Enter the password (and code) again; then back to the page you came from."""
    target = safe_next(request.values.get("next"), url_for("home.index"))
    form = ConfirmIdentityForm()
    status = 200
    if form.validate_on_submit():
        row = session_for_token(db.session, session.get("sid"))
        if row is None:
            abort(401)
        try:
            factors.reauthenticate(
                db.session,
                current_actor(),
                row,
                password=form.password.data,
                code=form.code.data,
                limits=throttle_limits(),
                known_device=current_user.id in device_user_ids(current_app),
            )
        except TooManyAttempts as exc:
            form.form_errors.append(exc.message)
            status = 429
        except InvalidCredentials as exc:
            db.session.commit()  # the failure counts towards throttling
            form.password.errors.append(exc.message)
        except factors.WrongCode as exc:
            db.session.commit()
            form.code.errors.append(exc.message)
        else:
            flash("Thank you. You can carry on now.", "success")
            return redirect(target)
    if form.errors and status == 200:
        status = 422
    return render_template("auth/confirm.html", form=form, next=target), status


@bp.route("/account/second-factor")
@login_required
def second_factor():
    return render_template(
        "auth/second_factor.html",
        enabled=current_user.has_second_factor,
        unused=factors.unused_recovery_codes(db.session, current_user),
        required_by=alliances_requiring_second_factor(db.session, current_user),
        confirm=ConfirmForm(),
        codes=session.pop("recovery_codes", None),
    )


@bp.route("/account/second-factor/new", methods=["POST"])
@login_required
@fresh_sign_in_required(ACCOUNT, "set up a second factor")
def start_second_factor():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    # Kept in the signed session until a code proves the app has it.
    session["new_totp_secret"] = factors.new_secret()
    return redirect(url_for("auth.set_up_second_factor"))


def _qr_code(uri: str) -> str:
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=4, dark="#0b0c0c")


@bp.route("/account/second-factor/set-up", methods=["GET", "POST"])
@login_required
def set_up_second_factor():
    secret = session.get("new_totp_secret")
    if not secret:
        return redirect(url_for(ACCOUNT))
    form = SetUpSecondFactorForm()
    if form.validate_on_submit():
        try:
            codes = factors.enable(
                db.session,
                current_actor(),
                current_user,
                secret,
                form.code.data,
                keep=session.get("sid"),
            )
        except factors.WrongCode as exc:
            form.code.errors.append(exc.message)
        else:
            session.pop("new_totp_secret", None)
            session["recovery_codes"] = codes
            flash("Your second factor is on. Keep your recovery codes safe.", "success")
            return redirect(url_for(ACCOUNT))
    uri = factors.provisioning_uri(secret, current_user.email, issuer="Alliance")
    return render_template(
        "auth/second_factor_set_up.html",
        form=form,
        qr_code=_qr_code(uri),
        key=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    ), (422 if form.errors else 200)


@bp.route("/account/second-factor/recovery-codes", methods=["POST"])
@login_required
@fresh_sign_in_required(ACCOUNT, "make new recovery codes")
def new_recovery_codes():
    if not ConfirmForm().validate_on_submit() or not current_user.has_second_factor:
        abort(400)
    session["recovery_codes"] = factors.regenerate_recovery_codes(
        db.session, current_actor(), current_user
    )
    flash("New recovery codes made. The old ones no longer work.", "success")
    return redirect(url_for(ACCOUNT))


@bp.route("/account/second-factor/off", methods=["POST"])
@login_required
@fresh_sign_in_required(ACCOUNT, "turn off your second factor")
def turn_off_second_factor():
    if not ConfirmForm().validate_on_submit() or not current_user.has_second_factor:
        abort(400)
    required_by = alliances_requiring_second_factor(db.session, current_user)
    if required_by:
        names = ", ".join(a.name for a in required_by)
        raise DomainError(f"{names} requires a second factor for your roles: it stays on.")
    factors.disable(db.session, current_actor(), current_user)
    flash("Your second factor is off. Signing in needs only your password.", "success")
    return redirect(url_for(ACCOUNT))
