"""Pages of the budget structure: financial years, cost categories and service lines.

Every member reads them (open book); only the manager changes them.
"""

from flask import flash, g, redirect, render_template, request, url_for

from alliance.db import db
from alliance.errors import DomainError
from alliance.ledgers import structure as services
from alliance.ledgers.forms import CostCategoryForm, FinancialYearForm, ServiceLineForm
from alliance.ledgers.models import CostCategory, Limb, ServiceLine
from alliance.ledgers.views.common import bp, scoped_or_404, show_error
from alliance.members.rules import Action
from alliance.scoping import require_role
from alliance.web import current_actor


@bp.route("/structure", methods=["GET", "POST"])
def structure():
    form = FinancialYearForm()
    if request.method == "POST":
        require_role(Action.EDIT_BUDGET_STRUCTURE)
        if form.validate_on_submit():
            try:
                year = services.add_financial_year(
                    db.session, current_actor(), g.alliance, form.start_year.data
                )
            except DomainError as exc:
                show_error(form, exc)
            else:
                flash(f"Financial year {year.label} added.", "success")
                return redirect(url_for("ledgers.structure"))
    return render_template(
        "ledgers/structure.html",
        form=form,
        years=services.financial_years(db.session, g.alliance),
        categories=services.cost_categories(db.session, g.alliance),
        service_lines=services.service_lines(db.session, g.alliance),
        limbs=list(Limb),
    ), (422 if form.errors else 200)


def _form_page(form, save, done, anchor: str, template: str, **context):
    """Save a valid submission and go back to the structure page, saying ``done(saved)``;
    otherwise show the form again (422 with its errors)."""
    if form.validate_on_submit():
        try:
            saved = save()
        except DomainError as exc:
            show_error(form, exc)
        else:
            flash(done(saved), "success")
            return redirect(url_for("ledgers.structure", _anchor=anchor))
    return render_template(template, form=form, **context), (422 if form.errors else 200)


def _category_fields(form) -> dict:
    return {
        "name": form.name.data,
        "limb": Limb(form.limb.data),
        "synonyms": form.synonyms.data or "",
    }


def _line_fields(form) -> dict:
    return {"name": form.name.data, "synonyms": form.synonyms.data or ""}


@bp.route("/structure/categories/new", methods=["GET", "POST"])
def new_category():
    require_role(Action.EDIT_BUDGET_STRUCTURE)
    form = CostCategoryForm()
    return _form_page(
        form,
        lambda: services.add_cost_category(
            db.session, current_actor(), g.alliance, **_category_fields(form)
        ),
        lambda added: f"Category {added.name} added.",
        "categories",
        "ledgers/category.html",
        category=None,
    )


@bp.route("/structure/categories/<int:category_id>", methods=["GET", "POST"])
def category(category_id: int):
    row = scoped_or_404(CostCategory, category_id)
    form = CostCategoryForm(obj=row if request.method == "GET" else None)
    form.submit.label.text = "Save category"
    if request.method == "GET":
        form.limb.data = row.limb.value
    else:
        require_role(Action.EDIT_BUDGET_STRUCTURE)
    return _form_page(
        form,
        lambda: services.update_cost_category(
            db.session, current_actor(), row, **_category_fields(form)
        ),
        lambda _: f"Category {row.name} saved.",
        "categories",
        "ledgers/category.html",
        category=row,
    )


@bp.route("/structure/service-lines/new", methods=["GET", "POST"])
def new_service_line():
    require_role(Action.EDIT_BUDGET_STRUCTURE)
    form = ServiceLineForm()
    return _form_page(
        form,
        lambda: services.add_service_line(
            db.session, current_actor(), g.alliance, **_line_fields(form)
        ),
        lambda added: f"Service line {added.name} added.",
        "service-lines",
        "ledgers/service_line.html",
        line=None,
    )


@bp.route("/structure/service-lines/<int:line_id>", methods=["GET", "POST"])
def service_line(line_id: int):
    row = scoped_or_404(ServiceLine, line_id)
    form = ServiceLineForm(obj=row if request.method == "GET" else None)
    form.submit.label.text = "Save service line"
    if request.method == "POST":
        require_role(Action.EDIT_BUDGET_STRUCTURE)
    return _form_page(
        form,
        lambda: services.update_service_line(
            db.session, current_actor(), row, **_line_fields(form)
        ),
        lambda _: f"Service line {row.name} saved.",
        "service-lines",
        "ledgers/service_line.html",
        line=row,
    )
