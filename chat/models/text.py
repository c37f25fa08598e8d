"""Cleaning of user-written text before it is stored."""
import unicodedata

from chat.errors import Problem

ALLOWED_CONTROLS = {"\n", "\t"}


def clean_text(value, *, field, label, max_length, min_length=1, multiline=False):
    """Trim `value` and check its length and characters, or raise a 400 Problem.

    Newlines are normalised to \\n (browsers send \\r\\n). Other control
    characters, NUL included, are refused, as are lone surrogates; tabs and
    (when `multiline`) newlines are kept.
    """
    if not isinstance(value, str):
        raise Problem(400, "invalid_field", f"{label} must be text.", field=field)
    text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    allowed = ALLOWED_CONTROLS if multiline else {"\t"}
    for ch in text:
        category = unicodedata.category(ch)
        if (category == "Cc" and ch not in allowed) or category == "Cs":
            raise Problem(400, "invalid_characters",
                          f"{label} contains a control character that is not allowed.", field=field)
    if len(text) < min_length:
        what = "cannot be empty" if min_length == 1 else f"must be at least {min_length} characters"
        raise Problem(400, "too_short", f"{label} {what}.", field=field)
    if len(text) > max_length:
        raise Problem(400, "too_long", f"{label} must be at most {max_length:,} characters.", field=field)
    return text
