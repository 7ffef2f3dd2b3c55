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


@bp.route("/structure/categories/new", methods=["GET", "POST"])
def new_category():
    require_role(Action.EDIT_BUDGET_STRUCTURE)
    form = CostCategoryForm()
    if form.validate_on_submit():
        try:
            category = services.add_cost_category(
                db.session,
                current_actor(),
                g.alliance,
                name=form.name.data,
                limb=Limb(form.limb.data),
                synonyms=form.synonyms.data or "",
            )
        except DomainError as exc:
            show_error(form, exc)
        else:
            flash(f"Category {category.name} added.", "success")
            return redirect(url_for("ledgers.structure", _anchor="categories"))
    return render_template("ledgers/category.html", form=form, category=None), (
        422 if form.errors else 200
    )


@bp.route("/structure/categories/<int:category_id>", methods=["GET", "POST"])
def category(category_id: int):
    row = scoped_or_404(CostCategory, category_id)
    form = CostCategoryForm(obj=row if request.method == "GET" else None)
    form.submit.label.text = "Save category"
    if request.method == "GET":
        form.limb.data = row.limb.value
    if request.method == "POST":
        require_role(Action.EDIT_BUDGET_STRUCTURE)
        if form.validate_on_submit():
            try:
                services.update_cost_category(
                    db.session,
                    current_actor(),
                    row,
                    name=form.name.data,
                    limb=Limb(form.limb.data),
                    synonyms=form.synonyms.data or "",
                )
            except DomainError as exc:
                show_error(form, exc)
            else:
                flash(f"Category {row.name} saved.", "success")
                return redirect(url_for("ledgers.structure", _anchor="categories"))
    return render_template("ledgers/category.html", form=form, category=row), (
        422 if form.errors else 200
    )


@bp.route("/structure/service-lines/new", methods=["GET", "POST"])
def new_service_line():
    require_role(Action.EDIT_BUDGET_STRUCTURE)
    form = ServiceLineForm()
    if form.validate_on_submit():
        try:
            line = services.add_service_line(
                db.session,
                current_actor(),
                g.alliance,
                name=form.name.data,
                synonyms=form.synonyms.data or "",
            )
        except DomainError as exc:
            show_error(form, exc)
        else:
            flash(f"Service line {line.name} added.", "success")
            return redirect(url_for("ledgers.structure", _anchor="service-lines"))
    return render_template("ledgers/service_line.html", form=form, line=None), (
        422 if form.errors else 200
    )


@bp.route("/structure/service-lines/<int:line_id>", methods=["GET", "POST"])
def service_line(line_id: int):
    row = scoped_or_404(ServiceLine, line_id)
    form = ServiceLineForm(obj=row if request.method == "GET" else None)
    form.submit.label.text = "Save service line"
    if request.method == "POST":
        require_role(Action.EDIT_BUDGET_STRUCTURE)
        if form.validate_on_submit():
            try:
                services.update_service_line(
                    db.session,
                    current_actor(),
                    row,
                    name=form.name.data,
                    synonyms=form.synonyms.data or "",
                )
            except DomainError as exc:
                show_error(form, exc)
            else:
                flash(f"Service line {row.name} saved.", "success")
                return redirect(url_for("ledgers.structure", _anchor="service-lines"))
    return render_template("ledgers/service_line.html", form=form, line=row), (
        422 if form.errors else 200
    )
