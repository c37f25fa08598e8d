import os
import subprocess
import sys

import pytest
from sqlalchemy import text

from chat import create_app
from chat.extensions import db
from config import DEV_SECRET_KEY, DevelopmentConfig, ProductionConfig, database_url, from_environment
from tests.conftest import ROOT


@pytest.mark.parametrize("key", [None, "", DEV_SECRET_KEY, "too-short"])
def test_production_refuses_to_start_without_a_real_secret_key(database_uri, key):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig, SECRET_KEY=key, SQLALCHEMY_DATABASE_URI=database_uri)


def test_production_sends_hsts_and_marks_cookies_secure(database_uri):
    app = create_app(ProductionConfig, SECRET_KEY="k" * 40, SQLALCHEMY_DATABASE_URI=database_uri)
    response = app.test_client().get("/login")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.mark.parametrize("given, used", [
    ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
    ("postgresql://u@h:5432/db", "postgresql+psycopg://u@h:5432/db"),
    ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
    ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
    (None, None),
])
def test_database_urls_for_postgres_use_psycopg_3(given, used):
    assert database_url(given) == used


@pytest.mark.parametrize("name, expected", [("production", ProductionConfig), ("development", DevelopmentConfig)])
def test_chat_env_picks_the_configuration(monkeypatch, name, expected):
    monkeypatch.setenv("CHAT_ENV", name)
    assert from_environment() is expected


def test_an_unknown_chat_env_is_refused(monkeypatch):
    monkeypatch.setenv("CHAT_ENV", "staging")
    with pytest.raises(RuntimeError, match="CHAT_ENV"):
        from_environment()


def test_without_database_url_the_app_uses_sqlite_in_the_instance_folder():
    app = create_app(DevelopmentConfig, SQLALCHEMY_DATABASE_URI=None)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{app.instance_path}/chat.sqlite3"


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    app = create_app(DevelopmentConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/c.db")
    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 30000
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        db.engine.dispose()


@pytest.mark.parametrize("redis_url, seconds", [(None, 1.0), ("redis://127.0.0.1:6379/0", 5.0)])
def test_a_login_is_remembered_five_seconds_with_redis_and_one_without(redis_url, seconds):
    """Without Redis a `flask users` command in another process cannot reach the server: 1 s bounds that."""
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "LOGIN_CACHE_SECONDS")}
    if redis_url:
        env["REDIS_URL"] = redis_url
    out = subprocess.run([sys.executable, "-c", "import config; print(config.Config.LOGIN_CACHE_SECONDS)"],
                         cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout
    assert float(out) == seconds
