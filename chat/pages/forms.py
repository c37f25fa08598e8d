"""The HTML forms. Rules live in the models; forms only carry input and errors."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice


class SignupForm(FlaskForm):
    username = StringField("Username")
    password = PasswordField("Password")


class LoginForm(FlaskForm):
    username = StringField("Username")
    password = PasswordField("Password")
    remember = BooleanField("Remember me")


class RoomForm(FlaskForm):
    name = StringField("Name")
    topic = StringField("Topic")
    private = BooleanField("Private (invite only)")


class MessageForm(FlaskForm):
    body = TextAreaField("Message")
    client_id = HiddenField()
    file = FileField("Attach a file")  # without script; static/js/upload.js takes it over


class InviteForm(FlaskForm):
    username = StringField("Invite by username")


class InviteLinkForm(FlaskForm):
    """A moderator's new invite link: how long it lasts and how many may use it
    (shown by templates/rooms/_invite_link.html)."""

    hours = SelectField("Expires after", coerce=int, default=168, choices=[
        SelectChoice(24, "1 day"), SelectChoice(168, "7 days"), SelectChoice(720, "30 days")])
    max_uses = SelectField("Uses", coerce=int, default=25, choices=[
        SelectChoice(1, "1 person"), SelectChoice(10, "10 people"), SelectChoice(25, "25 people"),
        SelectChoice(100, "100 people")])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="invite-link", **kwargs)


class DirectForm(FlaskForm):
    """Start (or open) a direct message."""

    username = StringField("Message someone by username")


class RoomSettingsForm(FlaskForm):
    """The owner's rename and topic form; prefixed "settings-" so its ids are its own on the room page."""

    name = StringField("Room name")
    topic = StringField("Topic")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="settings", **kwargs)


def show_problem(form, problem):
    """Put a model's refusal next to the field it is about (or atop the form)."""
    target = getattr(form, problem.field, None) if problem.field else None
    if target is not None and hasattr(target, "errors") and target.type != "HiddenField":
        target.errors = [*target.errors, problem.message]
    else:
        form.form_errors.append(problem.message)
