"""Password hashes, made and checked off the event loop.

scrypt is meant to be slow: about 60 ms of CPU at the default cost. In a gevent
worker that would freeze every stream the worker serves, once per login, and a
login storm would stall them for seconds. hashlib's scrypt releases the GIL, so
on gevent it runs in the hub's thread pool while the loop goes on serving;
anywhere else (the CLI, the threaded test server) it runs where it is called.
"""
from functools import lru_cache

from gevent import get_hub, monkey
from werkzeug.security import check_password_hash, generate_password_hash


def off_the_loop(function, *args, **kwargs):
    if not monkey.is_module_patched("socket"):
        return function(*args, **kwargs)
    return get_hub().threadpool.apply(function, args, kwargs)


def make(password, method):
    return off_the_loop(generate_password_hash, password, method=method)


def matches(hashed, password):
    return off_the_loop(check_password_hash, hashed, password)


@lru_cache(maxsize=4)
def dummy(method):
    """A hash to check against when the user does not exist, so timing tells nothing."""
    return make("not-a-real-password", method)
