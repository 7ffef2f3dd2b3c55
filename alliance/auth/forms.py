"""Forms for signing in and looking after your own account."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from alliance.auth.rules import MAX_PASSWORD_LENGTH


class SignInForm(FlaskForm):
    email = EmailField(
        "E-mail address",
        widget=GovTextInput(),
        validators=[DataRequired("Enter your e-mail address"), Length(max=254)],
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[DataRequired("Enter your password"), Length(max=MAX_PASSWORD_LENGTH)],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class NewPasswordMixin:
    new_password = PasswordField(
        "New password",
        widget=GovPasswordInput(),
        validators=[DataRequired("Enter a new password")],
        description="Use a passphrase of several words; a password manager helps.",
    )
    confirm = PasswordField(
        "Confirm new password",
        widget=GovPasswordInput(),
        validators=[
            DataRequired("Enter the new password again"),
            EqualTo("new_password", "The two passwords do not match"),
        ],
    )


class ChangePasswordForm(NewPasswordMixin, FlaskForm):
    current_password = PasswordField(
        "Current password",
        widget=GovPasswordInput(),
        validators=[DataRequired("Enter your current password")],
    )
    submit = SubmitField("Change password", widget=GovSubmitInput())


class AcceptInvitationForm(NewPasswordMixin, FlaskForm):
    name = StringField(
        "Your full name",
        widget=GovTextInput(),
        validators=[DataRequired("Enter your name"), Length(max=200)],
    )
    submit = SubmitField("Join the alliance", widget=GovSubmitInput())


class TokenForm(FlaskForm):
    name = StringField(
        "Token name",
        widget=GovTextInput(),
        validators=[DataRequired("Give the token a name"), Length(max=100)],
        description="Say what will use it, for example 'finance system export'.",
    )
    submit = SubmitField("Create token", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    """A button that posts, with CSRF protection and nothing else."""

    submit = SubmitField("Confirm", widget=GovSubmitInput())


def code_field(label: str = "Code") -> StringField:
    return StringField(
        label,
        widget=GovTextInput(),
        validators=[DataRequired("Enter the code"), Length(max=20)],
        description="The 6-digit code your authenticator app shows now, or one of your "
        "recovery codes.",
    )


class SecondFactorForm(FlaskForm):
    """The second half of signing in."""

    code = code_field()
    submit = SubmitField("Continue", widget=GovSubmitInput())


class SetUpSecondFactorForm(FlaskForm):
    code = StringField(
        "Code from your app",
        widget=GovTextInput(),
        validators=[DataRequired("Enter the 6-digit code your app shows"), Length(max=20)],
        description="Your app shows a new 6-digit code every 30 seconds.",
    )
    submit = SubmitField("Turn on the second factor", widget=GovSubmitInput())


class ConfirmIdentityForm(FlaskForm):
    """Prove again who you are before an act that binds your organisation."""

    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[DataRequired("Enter your password"), Length(max=MAX_PASSWORD_LENGTH)],
    )
    code = StringField(
        "Code",
        widget=GovTextInput(),
        validators=[Length(max=20)],
        description="The 6-digit code your authenticator app shows now, or a recovery code.",
    )
    submit = SubmitField("Confirm", widget=GovSubmitInput())
