"""What message text says, read as text: the names its "@"s may mention, and
what a system line says happened.

chat.render turns a body into HTML and decides, with `is_mention`, where a
mention of a name it is given stands; chat.models.mention asks
`mentioned_names` which names to look up first.
"""
import re

# Characters a username may continue with: letters beyond ASCII, not emoji.
NAME_CHAR = re.compile("[0-9A-Za-z_\u00c0-\ud7ff\ue000-\uffff-]")


def is_mention(text, at, name):
    """Whether the "@" at `at` starts @name as a whole word, in any case."""
    if not name or text[at + 1:at + 1 + len(name)].lower() != name.lower():
        return False
    before = text[at - 1] if at > 0 else ""
    if before and (NAME_CHAR.match(before) or before in "@."):
        return False
    after, following = text[at + 1 + len(name):at + 2 + len(name)], text[at + 2 + len(name):at + 3 + len(name)]
    return not (after and NAME_CHAR.match(after)) and not (after == "." and following and NAME_CHAR.match(following))


# A run of a username's characters ('.' included) after an "@".
CANDIDATE = re.compile(r"@([\w.\-]{1,32})")
MAX_CANDIDATES = 100


def mentioned_names(body):
    """The names the "@"s in `body` might start, to look up: each run, and the
    part of it before each '.' ("@bob." may mean bob). chat.render marks those
    that stand as mentions (whole words, outside code and links)."""
    names = set()
    for match in CANDIDATE.finditer(body):
        run = match.group(1)
        names.add(run)
        names.update(run[:at] for at, ch in enumerate(run) if ch == "." and at)
        if len(names) >= MAX_CANDIDATES:
            return names
    return names


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
