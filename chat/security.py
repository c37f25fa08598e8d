"""Headers every response carries, and where a login may send people next."""
from urllib.parse import urlsplit

from flask import current_app, url_for

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


def add_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if current_app.config["STRICT_TRANSPORT_SECURITY"]:
        headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
    return response


def safe_next(target):
    """`target` when it is a path on this site; otherwise the home page.

    Browsers read `//host`, `/\\host` and `\\\\host` as other sites, so any
    backslash, control character or second leading slash sends people home.
    """
    home = url_for("rooms.home")
    if not isinstance(target, str) or not target.startswith("/") or target.startswith("//"):
        return home
    if "\\" in target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return home
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return home
    return target
