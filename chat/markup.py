"""A message body as HTML: escaped text, http(s) links, and the reader's @mentions.

static/js/format.js does the same in the browser for live messages, step for
step: the character classes are spelt out (regex engines disagree on \\s and
on case folding), and mentions are found by the same scan. The browser tests
check both give the same DOM for the same bodies.
"""
import re

from markupsafe import Markup, escape

URL = re.compile("[Hh][Tt][Tt][Pp][Ss]?://[^\\s\ufeff<>\"]+")
# Punctuation that usually ends a sentence rather than a URL.
TRAILING = ".,;:!?'\""
# Characters a username may continue with: letters beyond ASCII, not emoji.
NAME_CHAR = re.compile("[0-9A-Za-z_\u00c0-\ud7ff\ue000-\uffff-]")
LINK = Markup('<a href="{0}" rel="noopener noreferrer" target="_blank">{0}</a>')
MENTION = Markup('<mark class="mention">{0}</mark>')


def link_end(url):
    """`url` without trailing sentence punctuation or an unbalanced closing bracket."""
    while url and (url[-1] in TRAILING or (url[-1] == ")" and url.count("(") < url.count(")"))):
        url = url[:-1]
    return url


def segments(body):
    """`body` as (text, link) pieces in order; one of the two is None."""
    at = 0
    for match in URL.finditer(body):
        url = link_end(match.group())
        if url.endswith("//"):  # nothing left after the scheme
            continue
        yield body[at:match.start()], None
        yield None, url
        at = match.start() + len(url)
    yield body[at:], None


def is_mention(text, at, name):
    """Whether the "@" at `at` starts @name as a whole word, in any case."""
    if not name or text[at + 1:at + 1 + len(name)].lower() != name.lower():
        return False
    before = text[at - 1] if at > 0 else ""
    if before and (NAME_CHAR.match(before) or before in "@."):
        return False
    after, following = text[at + 1 + len(name):at + 2 + len(name)], text[at + 2 + len(name):at + 3 + len(name)]
    return not (after and NAME_CHAR.match(after)) and not (after == "." and following and NAME_CHAR.match(following))


def mention_spans(text, name):
    """(start, end) of each mention of `name` in plain `text`."""
    spans, start, at = [], 0, text.find("@")
    while at >= 0:
        if is_mention(text, at, name):
            start = at + len(name) + 1
            spans.append((at, start))
        at = text.find("@", max(at + 1, start))
    return spans


# A run of a username's characters ('.' included) after an "@".
CANDIDATE = re.compile(r"@([\w.\-]{1,32})")
MAX_CANDIDATES = 100


def mentioned_names(body):
    """The names the "@"s in `body` might start (outside links), to look up:
    each run, and the part of it before each '.' ("@bob." may mean bob).
    Callers keep the ones `mentions` confirms."""
    names = set()
    for text, _ in segments(body):
        for match in CANDIDATE.finditer(text or ""):
            run = match.group(1)
            names.add(run)
            names.update(run[:at] for at, ch in enumerate(run) if ch == "." and at)
            if len(names) >= MAX_CANDIDATES:
                return names
    return names


def mentions(body, username):
    """Whether `body` mentions `username` (outside of links)."""
    return bool(username) and any(text and mention_spans(text, username) for text, _ in segments(body))


def rich(body, username=None):
    """`body` as safe HTML with links and the reader's mentions marked."""
    parts = []
    for text, url in segments(body):
        if url is not None:
            parts.append(LINK.format(url))
            continue
        at = 0
        for start, end in mention_spans(text, username) if username else ():
            parts.extend([escape(text[at:start]), MENTION.format(text[start:end])])
            at = end
        parts.append(escape(text[at:]))
    return Markup("").join(parts)


def happened(event):
    """What a system message says after its actor's name: "removed mallory".
    static/js/timeline.js says the same for live ones."""
    user = (event.get("user") or {}).get("username", "someone")
    action = event.get("action")
    if action == "join":
        return "joined"
    if action == "leave":
        return "left"
    if action == "invite":
        return f"added {user}"
    if action == "kick":
        return f"removed {user}"
    if action == "ban":
        return f"banned {user}"
    if action == "unban":
        return f"unbanned {user}"
    if action == "rename":
        return f"renamed the room to \u201c{event.get('name', '')}\u201d"
    if action == "topic":
        topic = event.get("topic") or ""
        return f"changed the topic to \u201c{topic}\u201d" if topic else "cleared the topic"
    return "changed the room"
