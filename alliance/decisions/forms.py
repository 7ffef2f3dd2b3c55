"""Forms for proposals, votes, closing, recusal, statements and the deadlock path."""

import re
from datetime import UTC, datetime, time

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
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from alliance.decisions.models import DecisionKind, Resolution
from alliance.decisions.rules import Position
from alliance.filters import LONDON
from alliance.money import MoneyError, parse_pounds
from alliance.widgets import DateInput

DATE_FORMAT = ["%d %m %Y"]
KIND_LABELS = {
    DecisionKind.KEY_ISSUE: "Key issue (unanimous; a deadlock path if not carried)",
    DecisionKind.OPERATIONAL: "Operational (unanimous)",
    DecisionKind.RESERVED: "Reserved matter (a commissioner's statutory power: signed off, "
    "not voted)",
}
POSITION_LABELS = {
    Position.AGREE: "Agree",
    Position.ABSTAIN: "Abstain (stand aside)",
    Position.DISAGREE: "Disagree",
    Position.BLOCK: "Block",
}
RESOLUTION_LABELS = {
    Resolution.NEW_PROPOSAL: "Resolved by a new proposal",
    Resolution.WITHDRAWAL: "Resolved by withdrawal",
    Resolution.EXIT: "Resolved by an exit under the agreement",
}


class ProposalForm(FlaskForm):
    title = StringField(
        "Title", widget=GovTextInput(), validators=[DataRequired("Enter a title"), Length(max=200)]
    )
    question = TextAreaField(
        "The question the board is asked",
        widget=GovTextArea(),
        validators=[DataRequired("Enter the question"), Length(max=4000)],
    )
    background = TextAreaField("Background", widget=GovTextArea(), validators=[Length(max=20000)])
    rationale = TextAreaField(
        "Why is this best for people using services?",
        widget=GovTextArea(),
        validators=[Length(max=8000)],
        description="Required before voting can open (principle b).",
    )
    kind = RadioField(
        "Kind of decision",
        widget=GovRadioInput(),
        choices=[SelectChoice(k.value, v) for k, v in KIND_LABELS.items()],
        validators=[DataRequired("Choose the kind of decision")],
    )
    citations = SelectMultipleField(
        "Principles and values it rests on", widget=GovCheckboxesInput(), validators=[Optional()]
    )
    papers = TextAreaField(
        "Links to papers, one a line", widget=GovTextArea(), validators=[Length(max=4000)]
    )
    closes_on = DateField(
        "Voting closes on", widget=DateInput(), format=DATE_FORMAT, validators=[Optional()]
    )
    closes_time = StringField(
        "at (24-hour time, UK)",
        widget=GovTextInput(),
        default="17:00",
        validators=[
            Optional(),
            Regexp(r"^([01]?\d|2[0-3]):[0-5]\d$", message="Enter a time like 17:00"),
        ],
    )
    reserved_holder = SelectField(
        "For a reserved matter: whose statutory power is it?",
        widget=GovSelect(),
        coerce=str,
        validators=[Optional()],
    )
    supersedes = SelectField(
        "Does this supersede a carried decision?",
        widget=GovSelect(),
        coerce=str,
        validators=[Optional()],
    )
    effect_year = IntegerField(
        "Budget effect: financial year (the year it starts, e.g. 2026)",
        widget=GovTextInput(),
        validators=[Optional(), NumberRange(min=2000, max=2100, message="Enter a year like 2026")],
    )
    effect_amount = StringField(
        "Amount moved (£)", widget=GovTextInput(), validators=[Optional(), Length(max=30)]
    )
    effect_from = SelectField(
        "Moved from organisation", widget=GovSelect(), coerce=str, validators=[Optional()]
    )
    effect_from_line = StringField(
        "or from service line", widget=GovTextInput(), validators=[Optional(), Length(max=120)]
    )
    effect_to = SelectField(
        "Moved to organisation", widget=GovSelect(), coerce=str, validators=[Optional()]
    )
    effect_to_line = StringField(
        "or to service line", widget=GovTextInput(), validators=[Optional(), Length(max=120)]
    )
    submit = SubmitField("Save draft", widget=GovSubmitInput())

    def validate_effect_amount(self, field):
        if field.data and field.data.strip():
            try:
                parse_pounds(field.data)
            except MoneyError as exc:
                raise ValidationError(str(exc)) from exc

    def validate_papers(self, field):
        for line in (field.data or "").splitlines():
            line = line.strip()
            if line and not re.match(r"^https?://", line):
                raise ValidationError("Each paper must be a web link starting https://")

    def closes_at(self) -> datetime | None:
        """The closing time as aware UTC, from the date and the London wall-clock time."""
        if not self.closes_on.data:
            return None
        hours, minutes = (int(x) for x in (self.closes_time.data or "17:00").split(":"))
        local = datetime.combine(self.closes_on.data, time(hours, minutes), tzinfo=LONDON)
        return local.astimezone(UTC)


class VoteForm(FlaskForm):
    position = RadioField(
        "Your organisation's vote",
        widget=GovRadioInput(),
        choices=[SelectChoice(p.value, v) for p, v in POSITION_LABELS.items()],
        validators=[DataRequired("Choose how your organisation votes")],
    )
    reason = TextAreaField(
        "Reason",
        widget=GovTextArea(),
        validators=[Length(max=4000)],
        description="Needed to disagree or block, citing a principle or value.",
    )
    citations = SelectMultipleField(
        "Principles and values the reason cites",
        widget=GovCheckboxesInput(),
        validators=[Optional()],
    )
    submit = SubmitField("Cast vote", widget=GovSubmitInput())


class CloseForm(FlaskForm):
    reason = TextAreaField(
        "Reason for closing now",
        widget=GovTextArea(),
        validators=[Length(max=2000)],
        description="Needed only while some seats have not voted.",
    )
    submit = SubmitField("Close voting", widget=GovSubmitInput())


class RecuseForm(FlaskForm):
    interest = SelectField(
        "Declared interest", widget=GovSelect(), coerce=str, validators=[Optional()]
    )
    note = TextAreaField("Note", widget=GovTextArea(), validators=[Length(max=2000)])
    submit = SubmitField("Recuse this seat", widget=GovSubmitInput())


class StatementForm(FlaskForm):
    statement = TextAreaField(
        "Outcome statement",
        widget=GovTextArea(),
        validators=[DataRequired("Write the outcome statement"), Length(max=8000)],
    )
    review_on = DateField(
        "Review date (optional)", widget=DateInput(), format=DATE_FORMAT, validators=[Optional()]
    )
    submit = SubmitField("Record statement", widget=GovSubmitInput())


class WithdrawForm(FlaskForm):
    reason = TextAreaField(
        "Why it is withdrawn",
        widget=GovTextArea(),
        validators=[DataRequired("Say why it is withdrawn"), Length(max=2000)],
    )
    submit = SubmitField("Withdraw proposal", widget=GovSubmitInput())


class DeadlockStepForm(FlaskForm):
    notes = TextAreaField(
        "What happened at this step",
        widget=GovTextArea(),
        validators=[DataRequired("Record what happened"), Length(max=8000)],
    )
    resolution = RadioField(
        "Resolved?",
        widget=GovRadioInput(),
        validators=[Optional()],
        choices=[SelectChoice("", "Not yet: move to the next stage")]
        + [SelectChoice(r.value, v) for r, v in RESOLUTION_LABELS.items()],
    )
    submit = SubmitField("Record step", widget=GovSubmitInput())


class SignOffForm(FlaskForm):
    agreed = RadioField(
        "Your decision as the reserved-power holder",
        widget=GovRadioInput(),
        choices=[SelectChoice("yes", "Sign it off"), SelectChoice("no", "Decline it")],
        validators=[DataRequired("Choose whether to sign it off")],
    )
    note = TextAreaField(
        "Basis of the decision",
        widget=GovTextArea(),
        validators=[DataRequired("Record the basis"), Length(max=4000)],
    )
    submit = SubmitField("Record sign-off", widget=GovSubmitInput())


class OpenForm(FlaskForm):
    submit = SubmitField("Open voting", widget=GovSubmitInput())
