"""Configuration, read from the environment with development fallbacks.

Pick one with CHAT_ENV (or FLASK_ENV): development (the default), testing or
production. Production refuses to start without a real SECRET_KEY.
"""
import os
from datetime import timedelta

# Development only. Production refuses this value (see ProductionConfig.check).
DEV_SECRET_KEY = "dev-only-insecure-secret-key-do-not-deploy"
SIGNUP_POLICIES = ("open", "invite", "closed")


def database_url(url):
    """Point plain postgres URLs at psycopg 3, the driver we ship."""
    if not url:
        return None
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def env_int(name, default):
    return int(os.environ.get(name, default))


class Config:
    ENVIRONMENT = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY") or DEV_SECRET_KEY
    # None means: SQLite in the instance folder, filled in by create_app.
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("DATABASE_URL"))
    REDIS_URL = os.environ.get("REDIS_URL") or None
    # Redis connections per process for publishing and presence (pub/sub has one
    # more); past this, callers wait for one to come free.
    REDIS_MAX_CONNECTIONS = env_int("REDIS_MAX_CONNECTIONS", 50)

    # SQLite: how long a writer waits for the lock before giving up, and the
    # WAL sync level (NORMAL is crash-safe; only an OS crash can drop the
    # last commits).
    SQLITE_BUSY_TIMEOUT = float(os.environ.get("SQLITE_BUSY_TIMEOUT", 30))
    SQLITE_SYNCHRONOUS = os.environ.get("SQLITE_SYNCHRONOUS", "NORMAL")
    DB_POOL_SIZE = env_int("DB_POOL_SIZE", 10)
    DB_MAX_OVERFLOW = env_int("DB_MAX_OVERFLOW", 20)
    # A pooled connection unused this long is pinged before use (chat.database).
    DB_PING_AFTER = float(os.environ.get("DB_PING_AFTER", 10))

    # Requests larger than this get a 413 before we read them.
    MAX_CONTENT_LENGTH = 128 * 1024
    # Uploads: the largest file (a request to an upload view may be this plus the
    # form around it), where files live, and the image pixel limit (a
    # decompression bomb is refused from its header). UPLOADS_ACCEL_REDIRECT
    # ("/internal-uploads/") hands the bytes to nginx (deploy/nginx/).
    MAX_UPLOAD_MB = float(os.environ.get("MAX_UPLOAD_MB", 25))
    UPLOADS_DIR = os.environ.get("UPLOADS_DIR") or None  # None: instance/uploads
    UPLOADS_ACCEL_REDIRECT = os.environ.get("UPLOADS_ACCEL_REDIRECT") or None
    MAX_IMAGE_PIXELS = env_int("MAX_IMAGE_PIXELS", 50_000_000)

    SESSION_COOKIE_NAME = "chat_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_NAME = "chat_remember"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    # A browser login stays valid server-side this long, remembered or not.
    SESSION_TOKEN_LIFETIME = timedelta(days=30)

    # How long a process remembers a login (token -> user) instead of querying it
    # per request; revocations reach every process at once over the broker (chat.logins). 0: never.
    # Without Redis, a `flask users ...` run in another process cannot tell the server: 1 s bounds that.
    LOGIN_CACHE_SECONDS = float(os.environ.get("LOGIN_CACHE_SECONDS", 5 if os.environ.get("REDIS_URL") else 1))

    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    PASSWORD_HASH_METHOD = "scrypt"

    # Flask-Limiter. Storage is Redis when configured, so workers share counts.
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL") or "memory://"
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_KEY_PREFIX = "chat-limits"
    LOGIN_LIMIT_PER_IP = os.environ.get("LOGIN_LIMIT_PER_IP", "30 per minute")
    LOGIN_LIMIT_PER_USERNAME = os.environ.get("LOGIN_LIMIT_PER_USERNAME", "10 per minute")
    SIGNUP_LIMIT_PER_IP = os.environ.get("SIGNUP_LIMIT_PER_IP", "20 per hour")

    # Who may make an account on the site: anyone (open), only people holding an
    # invite link (invite), or nobody but the operator's CLI (closed).
    SIGNUP = os.environ.get("SIGNUP", "open")
    # An invite link's defaults: how long it lasts and how many people may use it.
    INVITE_HOURS = env_int("INVITE_HOURS", 7 * 24)
    INVITE_MAX_USES = env_int("INVITE_MAX_USES", 25)

    # Live delivery. REALTIME_PREFIX namespaces channels and keys when several
    # deployments (or test runs) share one Redis.
    REALTIME_PREFIX = os.environ.get("REALTIME_PREFIX", "")
    STREAM_HEARTBEAT = float(os.environ.get("STREAM_HEARTBEAT", 15))
    STREAM_RETRY_MS = env_int("STREAM_RETRY_MS", 3000)
    STREAM_QUEUE_LIMIT = env_int("STREAM_QUEUE_LIMIT", 1000)
    PRESENCE_TTL = float(os.environ.get("PRESENCE_TTL", 45))
    # Seconds someone stays online after their last stream closes (page changes, polls).
    PRESENCE_GRACE = float(os.environ.get("PRESENCE_GRACE", 5))
    # A room's presence changes within this many seconds make one announcement,
    # and rooms with more people online than the limit get none (see Presence).
    PRESENCE_COALESCE = float(os.environ.get("PRESENCE_COALESCE", 0.5))
    PRESENCE_LIST_LIMIT = env_int("PRESENCE_LIST_LIMIT", 200)

    # Behind a load balancer: how many proxies set X-Forwarded-For/-Proto.
    TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0)
    STRICT_TRANSPORT_SECURITY = False

    @classmethod
    def check(cls, config):
        """Refuse to start on a configuration that is unsafe for this environment."""
        if config.get("SIGNUP") not in SIGNUP_POLICIES:
            raise RuntimeError(f"SIGNUP must be one of {', '.join(SIGNUP_POLICIES)}, not {config.get('SIGNUP')!r}")


class DevelopmentConfig(Config):
    pass


class TestingConfig(Config):
    ENVIRONMENT = "testing"
    TESTING = True
    SECRET_KEY = "testing-only-secret-key"
    # Tests pick their own database; never touch the developer's.
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    REDIS_URL = None
    RATELIMIT_STORAGE_URI = "memory://"
    # Cheap hashes keep the suite fast; production keeps scrypt's defaults.
    PASSWORD_HASH_METHOD = "scrypt:1024:8:1"
    LOGIN_CACHE_SECONDS = 5  # as with Redis: long enough that a test can tell a remembered login from a new one
    LOGIN_LIMIT_PER_IP = "1000 per minute"
    LOGIN_LIMIT_PER_USERNAME = "1000 per minute"
    SIGNUP_LIMIT_PER_IP = "1000 per minute"
    PRESENCE_GRACE = 0.2
    PRESENCE_COALESCE = 0.0  # announced at once, so tests see each change in turn


class ProductionConfig(Config):
    ENVIRONMENT = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    STRICT_TRANSPORT_SECURITY = True

    @classmethod
    def check(cls, config):
        super().check(config)
        key = config.get("SECRET_KEY")
        if not key or key == DEV_SECRET_KEY or len(key) < 32:
            raise RuntimeError(
                "SECRET_KEY must be set to a random string of 32+ characters in production "
                '(python3 -c "import secrets; print(secrets.token_urlsafe(48))").'
            )


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def from_environment():
    """The config class named by CHAT_ENV or FLASK_ENV (development by default)."""
    name = os.environ.get("CHAT_ENV") or os.environ.get("FLASK_ENV") or "development"
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"CHAT_ENV must be one of {', '.join(CONFIGS)}, not {name!r}") from None
