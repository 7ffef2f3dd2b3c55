"""Uploading a ledger: choose the file, see the preview, fix the mapping, submit."""

from flask import abort, flash, g, redirect, render_template, request, url_for

from alliance.db import db
from alliance.errors import DomainError
from alliance.ledgers import services
from alliance.ledgers.models import FinancialYear
from alliance.ledgers.rules import format_range, label_range, parse_range
from alliance.ledgers.upload_forms import SubmitUploadForm, UploadForm, mapping_form
from alliance.ledgers.views.common import bp
from alliance.members.models import Role
from alliance.web import current_actor

SHOWN_LINES = 100


def _my_organisation():
    membership = g.membership
    if Role.FINANCE_LEAD not in membership.roles:
        abort(403, "Only a finance lead can upload a ledger.")
    return membership.organisation


def _period_choices():
    from sqlalchemy import select
    from wtforms import SelectChoice

    years = db.session.scalars(
        select(FinancialYear)
        .where(FinancialYear.alliance_id == g.alliance.id)
        .order_by(FinancialYear.start_year.desc())
    ).all()
    return [
        SelectChoice(
            format_range(y.starts, y.months[-1]),
            f"{y.label} ({label_range(y.starts, y.months[-1])})",
        )
        for y in years
    ]


@bp.route("/upload", methods=["GET", "POST"])
def upload():
    organisation = _my_organisation()
    form = UploadForm()
    form.period.choices = _period_choices()
    status, headers = 200, {}
    if form.validate_on_submit():
        start, end = parse_range(form.period.data)
        choices = services.Choices(
            start, end, int(form.scale.data), form.sheet.data or None, form.header_row.data
        )
        stream = form.file.data
        try:
            staged, preview = services.stage_upload(
                db.session,
                current_actor(),
                g.alliance,
                organisation,
                filename=stream.filename or "ledger",
                data=stream.read(),
                choices=choices,
            )
        except DomainError as exc:
            form.file.errors = [*form.file.errors, exc.message]
            status = exc.status
            if "retry_after" in exc.context:
                headers["Retry-After"] = str(exc.context["retry_after"])
        else:
            if staged is not None:
                return redirect(url_for("ledgers.preview", upload_id=staged.id))
            db.session.commit()  # a refused file leaves its refusal on the record
            form.file.errors = [*form.file.errors, preview["refused"]["message"]]
            status = 422
    elif form.is_submitted():
        status = 400
    return (
        render_template("ledgers/upload.html", form=form, organisation=organisation),
        status,
        headers,
    )


def _staged(upload_id: str):
    try:
        return services.get_upload(db.session, current_actor(), g.alliance, upload_id)
    except DomainError:
        abort(404)


@bp.route("/uploads/<upload_id>", methods=["GET", "POST"])
def preview(upload_id: str):
    staged = _staged(upload_id)
    if request.method == "POST":
        columns = (staged.options or {}).get("columns", [])
        form = mapping_form(columns)
        if form.validate_on_submit():
            mapping = {
                column["name"]: getattr(form, f"column_{i}").data
                for i, column in enumerate(columns)
            }
            services.preview_staged(
                db.session,
                current_actor(),
                g.alliance,
                staged,
                mapping=mapping,
                sheet=form.sheet.data or None,
                header_row=form.header_row.data,
                scale=form.scale.data or None,
            )
            return redirect(url_for("ledgers.preview", upload_id=staged.id))
        abort(400, "; ".join(f"{k}: {v}" for k, v in form.errors.items()))
    choices = services.staged_choices(staged)
    result = services.staged_preview(db.session, g.alliance, staged)
    form = mapping_form(result.get("columns", []))
    form.sheet.data = result.get("sheet")
    form.header_row.data = result.get("header_row")
    form.scale.data = str(choices.scale)
    return render_template(
        "ledgers/preview.html",
        staged=staged,
        preview=result,
        lines=result.get("lines", [])[:SHOWN_LINES],
        form=form,
        submit_form=SubmitUploadForm(),
        period=label_range(staged.period_start, staged.period_end),
        next_number=staged.based_on + 1,
    )


@bp.post("/uploads/<upload_id>/submit")
def submit(upload_id: str):
    staged = _staged(upload_id)
    form = SubmitUploadForm()
    if not form.validate_on_submit():
        abort(400)
    organisation = staged.organisation
    try:
        version = services.submit_upload(db.session, current_actor(), g.alliance, staged)
    except DomainError as exc:
        flash(exc.message, "error")
        db.session.rollback()
        return redirect(url_for("ledgers.preview", upload_id=upload_id))
    flash(f"Version {version.number} of the ledger is now current.", "success")
    return redirect(
        url_for(
            "ledgers.version",
            org=organisation.slug,
            number=version.number,
            period=format_range(version.period_start, version.period_end),
        )
    )
