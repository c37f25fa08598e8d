"""Accounts: sign-up, API tokens, the current user, and deactivation."""
from flask_login import current_user

from chat.api import bp
from chat.api.payload import field, json_body
from chat.errors import Problem
from chat.limits import login_limited, signup_limited
from chat.login import end_login
from chat.models import AuthToken, Invite, User, onboarding


@bp.post("/users")
@signup_limited
def create_user():
    """Sign up under the site's policy; `"invite"` (a link's token) lets them in, to its room."""
    data = json_body()
    token = field(data, "invite", required=False)
    arrival = onboarding.sign_up(field(data, "username"), field(data, "password"),
                                 None if token is None else Invite.usable(token))
    _, secret = AuthToken.issue(arrival.user, "api")
    joined = [room.id for room in (arrival.lobby, arrival.room) if room is not None]
    return {"user": arrival.user.to_json(), "token": secret, "is_admin": arrival.user.is_admin,
            "joined": sorted(set(joined))}, 201


@bp.post("/tokens")
@login_limited
def create_token():
    data = json_body()
    user = User.authenticate(field(data, "username"), field(data, "password"))
    if user is None:
        raise Problem(401, "invalid_credentials", "Wrong username or password.")
    _, secret = AuthToken.issue(user, "api")
    return {"token": secret}, 201


@bp.delete("/tokens/current")
def delete_current_token():
    """Revoke the login that made this request: the bearer token, or the browser session."""
    end_login()
    return "", 204


@bp.get("/me")
def me():
    return {**current_user.to_json(), "is_admin": current_user.is_admin}


@bp.post("/users/<username>/deactivate")
def deactivate_user(username):
    """Site admins only: end the account's sessions, tokens and streams."""
    if not current_user.is_admin:
        raise Problem(403, "admin_only", "Only a site admin can deactivate accounts.")
    user = User.called(username)
    if user.id == current_user.id:
        raise Problem(400, "cannot_deactivate_yourself", "Ask another admin to deactivate your account.")
    user.deactivate()
    return "", 204
