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
