"""Forms for uploading a ledger and confirming how its columns are read."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import IntegerField, RadioField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, NumberRange, Optional

from alliance.ledgers.mapping import FIELDS

SCALES = [SelectChoice("1", "Pounds (£)"), SelectChoice("1000", "Thousands of pounds (£000s)")]


class UploadForm(FlaskForm):
    file = FileField(
        "Ledger file",
        widget=GovFileInput(),
        description="Excel (.xlsx or .xls), OpenDocument (.ods) or CSV, up to 20 MB.",
        validators=[FileRequired("Choose the ledger file to upload")],
    )
    period = SelectField(
        "Period the ledger covers",
        widget=GovSelect(),
        validators=[DataRequired("Choose the period the ledger covers")],
    )
    scale = RadioField(
        "Amounts are in",
        widget=GovRadioInput(),
        choices=SCALES,
        default="1",
        validators=[DataRequired("Say whether amounts are in pounds or thousands of pounds")],
    )
    sheet = StringField(
        "Sheet (optional)",
        widget=GovTextInput(),
        description="Leave blank to read the sheet called “Ledger”, or the only table.",
        validators=[Optional()],
    )
    header_row = IntegerField(
        "Row of the headings (optional)",
        widget=GovTextInput(),
        description="Leave blank to find it.",
        validators=[Optional(), NumberRange(min=1, max=1000, message="Enter a row number")],
    )
    submit = SubmitField("Upload and preview", widget=GovSubmitInput())


FIELD_CHOICES = [SelectChoice(key, label) for key, label in FIELDS.items()]


def mapping_form(columns: list[dict]) -> FlaskForm:
    """A form with one drop-down per column of the file, set to its current field."""

    class MappingForm(FlaskForm):
        sheet = StringField("Sheet", widget=GovTextInput(), validators=[Optional()])
        header_row = IntegerField(
            "Row of the headings",
            widget=GovTextInput(),
            validators=[Optional(), NumberRange(min=1, max=1000, message="Enter a row number")],
        )
        scale = RadioField("Amounts are in", widget=GovRadioInput(), choices=SCALES)
        submit = SubmitField("Read the file again", widget=GovSubmitInput())

    for index, column in enumerate(columns):
        setattr(
            MappingForm,
            f"column_{index}",
            SelectField(
                f"Column {column['letter']}: {column['name']}",
                widget=GovSelect(),
                choices=FIELD_CHOICES,
                default=column["field"],
            ),
        )
    return MappingForm()


class SubmitUploadForm(FlaskForm):
    submit = SubmitField("Submit as the new version", widget=GovSubmitInput())
