"""Forms for the budget structure. Only declared fields are ever read (no mass assignment)."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import IntegerField, RadioField, SelectChoice, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from alliance.ledgers.models import Limb
from alliance.ledgers.structure import EARLIEST_YEAR, LATEST_YEAR, NAME_LENGTH

SYNONYMS_HINT = (
    "Other names providers' ledgers use for it, one a line. Ledger lines with these names "
    "are suggested for it. Capitals do not matter."
)


def _name_field(what: str) -> StringField:
    return StringField(
        "Name",
        widget=GovTextInput(),
        validators=[
            DataRequired(f"Enter the {what}'s name"),
            Length(max=NAME_LENGTH, message=f"Keep the name to {NAME_LENGTH} characters or fewer"),
        ],
    )


def _synonyms_field() -> TextAreaField:
    return TextAreaField(
        "Other names (synonyms)",
        widget=GovTextArea(),
        description=SYNONYMS_HINT,
        validators=[Length(max=4000, message="Keep the synonyms to 4,000 characters or fewer")],
    )


class FinancialYearForm(FlaskForm):
    start_year = IntegerField(
        "Year the financial year starts",
        widget=GovTextInput(),
        description="The year of the April that starts it: 2026 for April 2026 to March 2027.",
        validators=[
            InputRequired("Enter the year the financial year starts, like 2026"),
            NumberRange(
                min=EARLIEST_YEAR,
                max=LATEST_YEAR,
                message=f"Enter a year between {EARLIEST_YEAR} and {LATEST_YEAR}, like 2026",
            ),
        ],
    )
    submit = SubmitField("Add financial year", widget=GovSubmitInput())


class CostCategoryForm(FlaskForm):
    name = _name_field("category")
    limb = RadioField(
        "Part of the cost model",
        widget=GovRadioInput(),
        choices=[SelectChoice(limb.value, limb.label) for limb in Limb],
        validators=[DataRequired("Choose the part of the cost model it belongs to")],
    )
    synonyms = _synonyms_field()
    submit = SubmitField("Add category", widget=GovSubmitInput())


class ServiceLineForm(FlaskForm):
    name = _name_field("service line")
    synonyms = _synonyms_field()
    submit = SubmitField("Add service line", widget=GovSubmitInput())
