"""A message body as HTML: escaped text, http(s) links, and the reader's @mentions.

static/js/format.js does the same in the browser for live messages; the
browser tests check that both give the same DOM for the same body.
"""
import re

from markupsafe import Markup, escape

URL = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)
# Punctuation that usually ends a sentence rather than a URL.
TRAILING = ".,;:!?'\""
# Characters a username may continue with (letters beyond ASCII included).
NAME_CHAR = "0-9A-Za-z_\u00c0-\uffff-"
LINK = Markup('<a href="{0}" rel="noopener noreferrer" target="_blank">{0}</a>')
MENTION = Markup('<mark class="mention">{0}</mark>')


def link_end(url):
    """`url` without trailing sentence punctuation or an unbalanced closing bracket."""
    while url and (url[-1] in TRAILING or (url[-1] == ")" and url.count("(") < url.count(")"))):
        url = url[:-1]
    return url


def mention_pattern(username):
    """@username as a whole word, any case: not "@alice2", "bob@alice" or "@alice.b"."""
    return re.compile(rf"(?<![{NAME_CHAR}@.])@{re.escape(username)}(?![{NAME_CHAR}]|\.[{NAME_CHAR}])", re.I)


def mentions(body, username):
    """Whether `body` mentions `username` (outside of links)."""
    return bool(username) and any(mention_pattern(username).search(text)
                                  for text in URL.split(body))


def rich(body, username=None):
    """`body` as safe HTML with links and the reader's mentions marked."""
    parts, at = [], 0
    for match in URL.finditer(body):
        url = link_end(match.group())
        if url.endswith("//"):  # nothing left after the scheme
            continue
        parts.append(marked(body[at:match.start()], username))
        parts.append(LINK.format(url))
        at = match.start() + len(url)
    parts.append(marked(body[at:], username))
    return Markup("").join(parts)


def marked(text, username):
    if not username:
        return escape(text)
    parts, at = [], 0
    for match in mention_pattern(username).finditer(text):
        parts.extend([escape(text[at:match.start()]), MENTION.format(match.group())])
        at = match.end()
    parts.append(escape(text[at:]))
    return Markup("").join(parts)
