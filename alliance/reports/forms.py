"""Forms for the pool's records: a contribution, an opening allocation, a risk share."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from alliance.widgets import PoundsField

PERCENT_HINT = "A percentage to two decimal places, for example 33.33."


class ContributionForm(FlaskForm):
    amount = PoundsField(
        "Amount",
        validators=[InputRequired("Enter the amount in pounds, for example 1,150,000.00")],
        description="Pounds and pence. A reduction is a negative amount, with its reason.",
    )
    note = TextAreaField(
        "Reason (needed for a reduction)",
        widget=GovTextArea(),
        validators=[Optional(), Length(max=2000)],
    )
    submit = SubmitField("Record the contribution", widget=GovSubmitInput())


class OpeningAllocationForm(FlaskForm):
    organisation = SelectField(
        "Organisation",
        widget=GovSelect(),
        validators=[DataRequired("Choose the organisation")],
    )
    service_line = SelectField("Service line", widget=GovSelect(), validators=[Optional()])
    amount = PoundsField(
        "Amount", validators=[InputRequired("Enter the amount in pounds, for example 170,000")]
    )
    submit = SubmitField("Record the allocation", widget=GovSubmitInput())


class RiskShareForm(FlaskForm):
    """One percentage per member (fields added per organisation by the view), an optional
    cap and an optional second band with its own percentages."""

    provider_cap = PoundsField(
        "Cap on the providers' painshare (optional)",
        validators=[Optional()],
        description="The most the providers together carry of a loss. Beyond it, the "
        "commissioners carry the rest, in proportion to their shares.",
    )
    band_up_to = PoundsField(
        "Second band starts above (optional)",
        validators=[Optional()],
        description="Leave empty to share the whole variance by the shares above. Otherwise "
        "the variance up to this amount is shared by those shares, and the rest by the "
        "second band's percentages.",
    )
    note = TextAreaField(
        "Where the board agreed it",
        widget=GovTextArea(),
        validators=[Optional(), Length(max=2000)],
    )
    submit = SubmitField("Record the risk share", widget=GovSubmitInput())


def percent_field(label: str) -> StringField:
    return StringField(
        label,
        widget=GovTextInput(),
        validators=[Optional(), Length(max=8)],
        description=PERCENT_HINT,
    )
