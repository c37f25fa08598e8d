"""Query-string numbers, for the API and the pages alike."""
import re

from flask import request

from chat.errors import Problem

NUMBER = re.compile(r"[0-9]{1,10}")
SEQ_MAX = 2**31 - 1


def number_arg(name, *, low, high, default=None):
    """The query parameter `name` as an int in [low, high], or a 400 Problem."""
    raw = request.args.get(name)
    if raw is None:
        return default
    if not NUMBER.fullmatch(raw) or not low <= int(raw) <= high:
        raise Problem(400, "invalid_parameter", f"'{name}' must be a whole number from {low} to {high}.")
    return int(raw)
