"""Reading API input: a JSON object and its typed fields."""
import json

from flask import request

from chat.errors import Problem

KINDS = {str: "text", bool: "true or false", int: "a whole number", list: "a list"}


def json_body():
    """The request's JSON object ({} for an empty body).

    415 when a body is not declared as JSON, 400 when it does not parse or is
    not an object; bodies over MAX_CONTENT_LENGTH get 413 before this runs.
    """
    raw = request.get_data(cache=True)
    if not raw.strip():
        return {}
    if not request.is_json:
        raise Problem(415, "unsupported_media_type", "Send a JSON body with Content-Type: application/json.")
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise Problem(400, "invalid_json", "The body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise Problem(400, "invalid_json", "The body must be a JSON object.")
    return data


def field(data, name, kind=str, *, required=True):
    """`data[name]` if it has type `kind`; None when optional and absent or null."""
    value = data.get(name)
    if value is None:
        if required:
            raise Problem(400, "missing_field", f"'{name}' is required.", field=name)
        return None
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise Problem(400, "invalid_field", f"'{name}' must be {KINDS[kind]}.", field=name)
    if kind is str:
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise Problem(400, "invalid_characters", f"'{name}' is not valid Unicode text.", field=name) from None
    return value

