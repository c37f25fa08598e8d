"""`flask users ...`: accounts, tokens, site admins, deactivation."""
import click
from flask.cli import AppGroup

from chat.errors import Problem
from chat.extensions import db
from chat.models import AuthToken, User, onboarding

users = AppGroup("users", help="Manage user accounts.")


def existing_user(username):
    user = User.named(username)
    if user is None:
        raise click.ClickException(f"There is no user named {username!r}.")
    return user


@users.command("create")
@click.argument("username")
@click.password_option(help="Prompted for (twice) when not given.")
def create_user(username, password):
    """Create a user account, whatever the site's SIGNUP policy (the first becomes its admin)."""
    try:
        arrival = onboarding.welcome(User.register(username, password))
    except Problem as problem:
        raise click.ClickException(problem.message) from None
    name = arrival.user.username
    click.echo(f"Created user {name} (id {arrival.user.id}).")
    if arrival.first:
        click.echo(f"{name} is the first account, so they are this site's admin; #general is made, "
                   "and every new account joins it.")
    elif arrival.lobby is not None:
        click.echo(f"{name} joined #{arrival.lobby.name}.")


@users.command("token")
@click.argument("username")
def create_token(username):
    """Print a new API token for USERNAME (for bots and scripts)."""
    _, secret = AuthToken.issue(existing_user(username), "api")
    click.echo(secret)


@users.command("admin")
@click.argument("username")
@click.option("--revoke", is_flag=True, help="Take the flag away instead.")
def set_admin(username, revoke):
    """Make USERNAME a site admin, who moderates every room and can deactivate accounts."""
    user = existing_user(username)
    user.is_admin = not revoke
    db.session.commit()
    click.echo(f"{user.username} is {'no longer' if revoke else 'now'} a site admin.")


@users.command("deactivate")
@click.argument("username")
def deactivate(username):
    """End USERNAME's sessions, tokens and open streams, and refuse new logins."""
    user = existing_user(username)
    user.deactivate()
    click.echo(f"Deactivated {user.username}: their sessions and tokens are revoked.")
