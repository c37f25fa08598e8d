"""Who is asking: a browser session or a bearer token, both revocable logins."""
from flask import current_app, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user

from chat import logins
from chat.errors import Problem, wants_json
from chat.extensions import login_manager
from chat.models import AuthToken


def bearer_secret():
    """The token of an `Authorization: Bearer` header, "" if malformed, None if absent."""
    if "Authorization" not in request.headers:
        return None
    auth = request.authorization
    if auth is None or auth.type != "bearer":
        return ""
    return auth.token or ""


def user_for(secret):
    token = logins.find(current_app, secret)
    if token is None:
        return None
    user = token.user
    user.auth_token, user.auth_token_secret = token, secret
    return user


@login_manager.user_loader
def load_from_session(secret):
    # A bearer header, when sent, decides alone: it must not borrow a cookie.
    bearer = bearer_secret()
    return user_for(secret if bearer is None else bearer)


@login_manager.request_loader
def load_from_header(request):
    bearer = bearer_secret()
    return None if bearer is None else user_for(bearer)


@login_manager.unauthorized_handler
def unauthorized():
    if wants_json():
        raise Problem(401, "unauthorized", "Log in, or send Authorization: Bearer <token>.",
                      headers={"WWW-Authenticate": 'Bearer realm="chat"'})
    target = request.full_path if request.query_string else request.path
    return redirect(url_for("auth.login", next=target))


def start_session(user, remember=False):
    """Log `user` in on this browser with a fresh session and a new server-side login.
    A browser login it already had is revoked, not left behind."""
    previous = current_user.auth_token if current_user.is_authenticated else None
    if previous is not None and previous.kind == "session":
        previous.revoke()
    forget_browser()
    token, secret = AuthToken.issue(user, "session", current_app.config["SESSION_TOKEN_LIFETIME"])
    user.auth_token, user.auth_token_secret = token, secret
    login_user(user, remember=remember)


def end_login():
    """Revoke the login behind this request (cookie or token); replaying it is refused."""
    if current_user.is_authenticated and current_user.auth_token is not None:
        current_user.auth_token.revoke()
    forget_browser()


def forget_browser():
    session.clear()
    logout_user()  # after clear(): it leaves the mark that deletes the remember cookie
