"""Forms for entries, the gate, the review thread and assurance statements."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from alliance.learning.rules import TITLE_LIMIT, EntryKind, EntryStatus, NextStep
from alliance.widgets import DateInput

DATE_FORMAT = ["%d %m %Y"]
YES_NO = [SelectChoice("yes", "Yes"), SelectChoice("no", "No")]
KIND_LABELS = {
    EntryKind.EXPERIMENT: "Experiment: a safe-fail try (it passes the gate before it starts)",
    EntryKind.LISTENING: "Listening: what people using services, staff or communities told us",
    EntryKind.REFLECTION: "Reflection",
}
STATUS_LABELS = {
    EntryStatus.IDEA: "Idea",
    EntryStatus.RUNNING: "Running",
    EntryStatus.REFLECTING: "Reflecting",
    EntryStatus.CLOSED: "Closed",
}
NEXT_STEP_LABELS = {
    "": "Not decided yet",
    NextStep.EMBED: "Embed it",
    NextStep.ADAPT: "Adapt it",
    NextStep.STOP: "Stop it",
    NextStep.TRY_SOMETHING_ELSE: "Try something else",
}


class EntryForm(FlaskForm):
    kind = RadioField(
        "What kind of entry is it?",
        choices=[SelectChoice(k.value, label) for k, label in KIND_LABELS.items()],
        validators=[InputRequired(message="Choose what kind of entry it is")],
        widget=GovRadioInput(),
    )
    title = StringField(
        "Title",
        validators=[DataRequired(message="Give the entry a title"), Length(max=TITLE_LIMIT)],
        widget=GovTextInput(),
    )
    summary = TextAreaField(
        "What we are trying and why (or what we heard, or are reflecting on)",
        validators=[Length(max=20_000)],
        widget=GovTextArea(),
    )
    involved = TextAreaField(
        "Who is involved, including people using services",
        validators=[Length(max=5_000)],
        widget=GovTextArea(),
    )
    status = RadioField(
        "Where it is now",
        choices=[SelectChoice(s.value, label) for s, label in STATUS_LABELS.items()],
        default=EntryStatus.IDEA.value,
        widget=GovRadioInput(),
    )
    starts_on = DateField("Starts", format=DATE_FORMAT, validators=[Optional()], widget=DateInput())
    ends_on = DateField("Ends", format=DATE_FORMAT, validators=[Optional()], widget=DateInput())
    happened = TextAreaField("What happened", validators=[Length(max=20_000)], widget=GovTextArea())
    learned_good = TextAreaField(
        "What we learned that went well", validators=[Length(max=20_000)], widget=GovTextArea()
    )
    learned_bad = TextAreaField(
        "What we learned that did not go well",
        validators=[Length(max=20_000)],
        widget=GovTextArea(),
    )
    next_step = SelectField(
        "Next step",
        choices=[
            SelectChoice(getattr(k, "value", k), label) for k, label in NEXT_STEP_LABELS.items()
        ],
        default="",
        widget=GovSelect(),
    )
    next_step_note = TextAreaField(
        "About the next step", validators=[Length(max=5_000)], widget=GovTextArea()
    )
    themes = StringField(
        "Themes",
        description="Separate them with commas, for example: alcohol, outreach.",
        validators=[Length(max=800)],
        widget=GovTextInput(),
    )
    citations = SelectMultipleField(
        "Principles and values it relates to", choices=[], widget=GovCheckboxesInput()
    )
    decisions = StringField(
        "Decisions it cites",
        description="Their references, separated by commas, for example RCNA-2026-004.",
        validators=[Length(max=800)],
        widget=GovTextInput(),
    )
    ledger_lines = StringField(
        "Ledger lines it cites",
        description="Line numbers from a ledger version's page, separated by commas.",
        validators=[Length(max=800)],
        widget=GovTextInput(),
    )
    service_lines = SelectMultipleField(
        "Budget lines (service lines) it cites", choices=[], widget=GovCheckboxesInput()
    )
    links = TextAreaField(
        "Links to papers or files",
        description="One a line. Attachments are links: keep the files where they already are.",
        validators=[Length(max=5_000)],
        widget=GovTextArea(),
    )
    based_on = HiddenField()
    submit = SubmitField("Save the entry", widget=GovSubmitInput())


class GateForm(FlaskForm):
    is_legal = RadioField(
        "Is it legal?",
        choices=YES_NO,
        validators=[InputRequired(message="Answer “Is it legal?”")],
        widget=GovRadioInput(),
    )
    legal_basis = TextAreaField(
        "Why (legal)",
        validators=[DataRequired(message="Give the basis for your answer"), Length(max=2_000)],
        widget=GovTextArea(),
    )
    is_safe = RadioField(
        "Is it safe?",
        choices=YES_NO,
        validators=[InputRequired(message="Answer “Is it safe?”")],
        widget=GovRadioInput(),
    )
    safe_basis = TextAreaField(
        "Why (safe)",
        validators=[DataRequired(message="Give the basis for your answer"), Length(max=2_000)],
        widget=GovTextArea(),
    )
    submit = SubmitField("Record the answers", widget=GovSubmitInput())


class QuestionForm(FlaskForm):
    text = TextAreaField(
        "Your question",
        validators=[DataRequired(message="Write the question"), Length(max=5_000)],
        widget=GovTextArea(),
    )
    submit = SubmitField("Ask", widget=GovSubmitInput())


class AnswerForm(FlaskForm):
    text = TextAreaField(
        "Your answer",
        validators=[DataRequired(message="Write the answer"), Length(max=5_000)],
        widget=GovTextArea(),
    )
    submit = SubmitField("Answer", widget=GovSubmitInput())


class StatementForm(FlaskForm):
    period_start = DateField(
        "Period from",
        format=DATE_FORMAT,
        validators=[InputRequired(message="Give the period's first day")],
        widget=DateInput(),
    )
    period_end = DateField(
        "Period to",
        format=DATE_FORMAT,
        validators=[InputRequired(message="Give the period's last day")],
        widget=DateInput(),
    )
    assured_that = TextAreaField(
        "We are assured that …",
        validators=[DataRequired(message="Say what the board is assured of"), Length(max=5_000)],
        widget=GovTextArea(),
    )
    because = TextAreaField(
        "… because",
        validators=[DataRequired(message="Say why"), Length(max=10_000)],
        widget=GovTextArea(),
    )
    figures = TextAreaField(
        "The figures it rests on", validators=[Length(max=5_000)], widget=GovTextArea()
    )
    entries = SelectMultipleField(
        "Learning entries it rests on", choices=[], widget=GovCheckboxesInput()
    )
    decisions = SelectMultipleField(
        "Decisions it rests on", choices=[], widget=GovCheckboxesInput()
    )
    revisits = IntegerField(
        "Revisits statement number", validators=[Optional()], widget=GovTextInput()
    )
    submit = SubmitField("Record the statement", widget=GovSubmitInput())


class MeasureForm(FlaskForm):
    name = StringField(
        "Name",
        validators=[DataRequired(message="Name the measure"), Length(max=200)],
        widget=GovTextInput(),
    )
    unit = StringField(
        "Unit",
        validators=[DataRequired(message="Give its unit"), Length(max=80)],
        description="For example: admissions per 100,000 adults.",
        widget=GovTextInput(),
    )
    source = TextAreaField(
        "Source",
        validators=[DataRequired(message="Say where the data comes from"), Length(max=2_000)],
        widget=GovTextArea(),
    )
    definition = TextAreaField(
        "Definition",
        validators=[DataRequired(message="Define what is counted"), Length(max=5_000)],
        widget=GovTextArea(),
    )
    submit = SubmitField("Add the measure", widget=GovSubmitInput())


class MeasureValueForm(FlaskForm):
    period_start = DateField(
        "Period starts",
        format=DATE_FORMAT,
        validators=[InputRequired(message="Give the first day of the period")],
        widget=DateInput(),
    )
    period_label = StringField(
        "Period",
        validators=[Length(max=40)],
        description="For example: Q1 2026-27.",
        widget=GovTextInput(),
    )
    value = StringField(
        "Value",
        validators=[DataRequired(message="Give the value"), Length(max=30)],
        widget=GovTextInput(),
    )
    commentary = TextAreaField(
        "What we make of it", validators=[Length(max=5_000)], widget=GovTextArea()
    )
    submit = SubmitField("Add the value", widget=GovSubmitInput())
