"""The JSON API, /api/v1: a contract for bots and other clients."""
from flask import Blueprint, request
from flask_login import current_user

from chat.extensions import csrf, login_manager
from chat.login import bearer_secret
from chat.scope import scope

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# Endpoints that work without a login.
PUBLIC = {"api.create_user", "api.create_token", "api.openapi"}


@bp.before_request
def authenticate():
    """Require a login; cookie-authenticated writes must also carry X-CSRFToken."""
    if request.endpoint in PUBLIC:
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if request.method not in ("GET", "HEAD", "OPTIONS") and bearer_secret() is None:
        csrf.protect()
    return None


scope(bp)  # after the login check: a URL's <room_id> is looked up into g.room and g.membership

from chat.api import (  # noqa: E402,F401  (routes)
    accounts, dms, invites, messages, moderation, openapi, reactions, replies, rooms, search, stream, uploads)
