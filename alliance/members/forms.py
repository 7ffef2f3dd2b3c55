"""Forms for the register. Only declared fields are ever read (no mass assignment)."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from alliance.members.models import (
    AbstentionPolicy,
    AppointmentKind,
    InterestKind,
    OrganisationKind,
    Role,
)
from alliance.widgets import DateInput

ROLE_LABELS = {
    Role.MANAGER: "Alliance manager",
    Role.COMMISSIONER: "Commissioner",
    Role.FINANCE_LEAD: "Finance lead (for their organisation)",
    Role.BOARD_REPRESENTATIVE: "Board representative (holds their organisation's seat)",
    Role.BOARD_ALTERNATE: "Board alternate (votes when the representative cannot)",
    Role.OBSERVER: "Observer (reads everything, changes nothing)",
}

INTEREST_LABELS = {
    InterestKind.FINANCIAL: "Financial",
    InterestKind.NON_FINANCIAL_PROFESSIONAL: "Non-financial professional",
    InterestKind.NON_FINANCIAL_PERSONAL: "Non-financial personal",
    InterestKind.INDIRECT: "Indirect",
}

KIND_LABELS = {
    OrganisationKind.COMMISSIONER: "Commissioner",
    OrganisationKind.PROVIDER: "Provider",
    OrganisationKind.OTHER: "Other",
}

DATE_FORMAT = ["%d %m %Y"]


class OrganisationForm(FlaskForm):
    name = StringField(
        "Organisation name",
        widget=GovTextInput(),
        validators=[DataRequired("Enter the organisation's name"), Length(max=200)],
    )
    kind = RadioField(
        "Kind of member",
        widget=GovRadioInput(),
        choices=[SelectChoice(k.value, v) for k, v in KIND_LABELS.items()],
        validators=[DataRequired("Choose the kind of member")],
    )
    joined_on = DateField(
        "Date it joined the alliance",
        widget=DateInput(),
        format=DATE_FORMAT,
        validators=[DataRequired("Enter the date it joined, for example 1 4 2026")],
    )
    submit = SubmitField("Add organisation", widget=GovSubmitInput())


class LeaveForm(FlaskForm):
    left_on = DateField(
        "Date it left",
        widget=DateInput(),
        format=DATE_FORMAT,
        validators=[DataRequired("Enter the date it left")],
    )
    submit = SubmitField("Record that it left", widget=GovSubmitInput())


def _role_field(label="Roles"):
    return SelectMultipleField(
        label,
        widget=GovCheckboxesInput(),
        choices=[SelectChoice(r.value, ROLE_LABELS[r]) for r in Role],
        validators=[DataRequired("Choose at least one role")],
    )


class RolesForm(FlaskForm):
    roles = _role_field()
    submit = SubmitField("Save roles", widget=GovSubmitInput())


class InviteForm(FlaskForm):
    name = StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[DataRequired("Enter the person's name"), Length(max=200)],
    )
    email = EmailField(
        "E-mail address",
        widget=GovTextInput(),
        validators=[
            DataRequired("Enter their e-mail address"),
            Email("Enter an e-mail address like name@example.org", check_deliverability=False),
            Length(max=254),
        ],
    )
    organisation = SelectField("Organisation they act for", widget=GovSelect(), coerce=str)
    roles = _role_field()
    submit = SubmitField("Create invitation", widget=GovSubmitInput())


class InterestForm(FlaskForm):
    kind = RadioField(
        "Kind of interest",
        widget=GovRadioInput(),
        choices=[SelectChoice(k.value, v) for k, v in INTEREST_LABELS.items()],
        validators=[DataRequired("Choose the kind of interest")],
    )
    description = TextAreaField(
        "Describe the interest",
        widget=GovTextArea(),
        validators=[DataRequired("Describe the interest"), Length(max=2000)],
    )
    submit = SubmitField("Declare interest", widget=GovSubmitInput())


class EndInterestForm(FlaskForm):
    ended_on = DateField(
        "Date the interest ended",
        widget=DateInput(),
        format=DATE_FORMAT,
        validators=[DataRequired("Enter the date it ended")],
    )
    submit = SubmitField("Record end", widget=GovSubmitInput())


class AppointmentForm(FlaskForm):
    person = SelectField(
        "Person appointed",
        widget=GovSelect(),
        coerce=str,
        validators=[DataRequired("Choose the person")],
    )
    kind = RadioField(
        "Kind of role",
        widget=GovRadioInput(),
        choices=[
            SelectChoice(AppointmentKind.CHAIR.value, "Chair of the alliance board"),
            SelectChoice(AppointmentKind.OTHER.value, "Another key role"),
        ],
        validators=[DataRequired("Choose the kind of role")],
    )
    title = StringField(
        "Role title",
        widget=GovTextInput(),
        validators=[DataRequired("Enter the role's title"), Length(max=120)],
    )
    rationale = TextAreaField(
        "Why this person is the best person for the role",
        widget=GovTextArea(),
        validators=[DataRequired("Say why this is the best person"), Length(max=4000)],
    )
    decision_reference = StringField(
        "Reference of the appointing decision (if any)",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=40)],
    )
    starts_on = DateField(
        "Start date",
        widget=DateInput(),
        format=DATE_FORMAT,
        validators=[DataRequired("Enter the start date")],
    )
    submit = SubmitField("Record appointment", widget=GovSubmitInput())


class SettingsForm(FlaskForm):
    name = StringField(
        "Alliance name",
        widget=GovTextInput(),
        validators=[DataRequired("Enter the alliance's name"), Length(max=200)],
    )
    purpose = TextAreaField(
        "What is this system set up to do?", widget=GovTextArea(), validators=[Length(max=4000)]
    )
    agreement_starts_on = DateField(
        "Agreement starts", widget=DateInput(), format=DATE_FORMAT, validators=[Optional()]
    )
    agreement_ends_on = DateField(
        "Agreement ends", widget=DateInput(), format=DATE_FORMAT, validators=[Optional()]
    )
    abstention_policy = RadioField(
        "When a seat abstains",
        widget=GovRadioInput(),
        choices=[
            SelectChoice(
                AbstentionPolicy.STAND_ASIDE.value, "It stands aside: unanimity is among the others"
            ),
            SelectChoice(
                AbstentionPolicy.BREAKS_UNANIMITY.value,
                "It breaks unanimity: the decision does not carry",
            ),
        ],
        validators=[DataRequired("Choose what an abstention means")],
    )
    quorum = IntegerField(
        "Quorum (seats that must vote)",
        widget=GovTextInput(),
        validators=[Optional(), NumberRange(min=1, message="Quorum must be 1 or more")],
        description="Leave blank for every seat, as the Alliance Principles expect.",
    )
    require_second_factor = BooleanField(
        "Managers, board representatives and alternates must use a second factor",
        widget=GovCheckboxInput(),
        description="An authenticator app code at every sign-in. People without one are "
        "asked to set it up before they can use this alliance.",
    )
    submit = SubmitField("Save settings", widget=GovSubmitInput())


class PrincipleForm(FlaskForm):
    text = TextAreaField(
        "Wording",
        widget=GovTextArea(),
        validators=[DataRequired("Enter the principle's wording"), Length(max=2000)],
    )
    submit = SubmitField("Save wording", widget=GovSubmitInput())


class ValueForm(FlaskForm):
    name = StringField(
        "Value or behaviour",
        widget=GovTextInput(),
        validators=[DataRequired("Name the value"), Length(max=100)],
    )
    description = TextAreaField(
        "What it looks like in practice", widget=GovTextArea(), validators=[Length(max=2000)]
    )
    submit = SubmitField("Add value", widget=GovSubmitInput())
