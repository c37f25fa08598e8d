"""Rate limits on guessing passwords and on sign-ups, per IP and per username."""
import time

from flask import current_app, request

from chat.errors import Problem, respond
from chat.extensions import limiter
from chat.models.user import username_key


def configured(name):
    return lambda: current_app.config[name]


def attempted_username():
    """Key: the username being tried (from JSON or the form), folded like names are."""
    data = request.get_json(silent=True) if request.is_json else request.form
    name = data.get("username") if hasattr(data, "get") else None
    return "username:" + (username_key(name) if isinstance(name, str) else "")


def login_limited(view):
    """Limits shared by every way of logging in (page and API), so they add up."""
    per_ip = limiter.shared_limit(configured("LOGIN_LIMIT_PER_IP"), scope="login-ip", methods=["POST"])
    per_name = limiter.shared_limit(configured("LOGIN_LIMIT_PER_USERNAME"), scope="login-username",
                                    key_func=attempted_username, methods=["POST"])
    return per_ip(per_name(view))


def signup_limited(view):
    return limiter.shared_limit(configured("SIGNUP_LIMIT_PER_IP"), scope="signup-ip", methods=["POST"])(view)


def too_many_requests(error):
    """429 with Retry-After, in the API's or the page's shape."""
    current = limiter.current_limit
    wait = max(1, int(current.reset_at - time.time())) if current else 60
    return respond(Problem(429, "rate_limited", f"Too many attempts. Try again in {wait} seconds.",
                           headers={"Retry-After": str(wait)}))
