"""The chat application factory."""
import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

import config
from chat import api, login, logins, pages, realtime, storage  # noqa: F401  (login registers the user loaders)
from chat.api import health
from chat.cli import COMMANDS
from chat.database import configure_database, watch_connections
from chat.errors import register_errorhandlers
from chat.extensions import csrf, db, limiter, login_manager, migrate
from chat.limits import too_many_requests
from chat.models.reads import Reads
from chat.pages import auth, dms, invites, messages, moderation, rooms, search, uploads
from chat.security import add_security_headers

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class IdConverter(IntegerConverter):
    """Positive ids that fit a 32-bit column, so a huge one is a 404, not a database error.

    The range is in the regex, not only in a max: werkzeug checks a rule's
    method before its converters, so a GET for /rooms/9999999999 would be a
    405 (PATCH matched the path) instead of the 404 of any other missing room.
    """

    regex = ("(?:[1-9][0-9]{0,8}|1[0-9]{9}|20[0-9]{8}|21[0-3][0-9]{7}|214[0-6][0-9]{6}|2147[0-3][0-9]{5}"
             "|21474[0-7][0-9]{4}|214748[0-2][0-9]{3}|2147483[0-5][0-9]{2}|21474836[0-3][0-9]|214748364[0-7])")

    def __init__(self, url_map):
        super().__init__(url_map, min=1, max=2**31 - 1)


def create_app(config_class=None, **overrides):
    """Build the app from `config_class` (default: chosen by CHAT_ENV) plus `overrides`."""
    config_class = config_class or config.from_environment()
    app = Flask(__name__, instance_path=os.path.join(ROOT, "instance"),
                template_folder=os.path.join(ROOT, "templates"),
                static_folder=os.path.join(ROOT, "static"))
    app.config.from_object(config_class)
    app.config.update(overrides)
    config_class.check(app.config)
    configure_database(app)
    app.url_map.converters["id"] = IdConverter
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    app.register_error_handler(429, too_many_requests)
    for command in COMMANDS:
        app.cli.add_command(command)
    app.after_request(add_security_headers)
    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    return app


def register_extensions(app):
    db.init_app(app)
    with app.app_context():
        watch_connections(db.engine, app.config)
    migrate.init_app(app, db, directory=os.path.join(ROOT, "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    realtime.init_app(app, Reads())
    logins.init_app(app)
    storage.init_app(app)


def register_blueprints(app):
    for page in (auth, rooms, messages, moderation, search, dms, invites, uploads):
        app.register_blueprint(page.bp)
    pages.register_filters(app)
    app.register_blueprint(api.bp)
    csrf.exempt(api.bp)  # the API checks CSRF itself, only for cookie-authenticated calls
    app.register_blueprint(health.bp)
