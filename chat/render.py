"""A message body as sanitised HTML, rendered once on the server.

Bodies are a CommonMark subset (markdown-it-py): emphasis, strong,
~~strikethrough~~, `inline code`, fenced code blocks (their language as
class="language-xxx"), block quotes, lists, links and bare http(s) URLs,
paragraphs, and a single newline as a line break. Raw HTML, images, headings,
rules, indented code and tables are not part of it: they stay text. Links go
only to http, https and mailto URLs; anything else (javascript:, data:,
vbscript:, however spelt) stays text. @mentions of the names the caller
confirms are marked in the same pass, outside code and links, as
<span class="mention" data-user="<username>">@as typed</span>. nh3 then cleans
the result against an allowlist of exactly what we emit, in case any rule
above has a hole.

The stored HTML carries RENDERER_VERSION: change the rendering, raise it, and
`flask messages rerender` brings old messages up to date.
"""
import re
from dataclasses import dataclass

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

from chat.markup import is_mention

RENDERER_VERSION = 1
# Deeper quotes and lists than this stay text: 4,000 nested ">" render in bounded time.
MAX_NESTING = 20
SCHEMES = ("http:", "https:", "mailto:")
LANGUAGE = re.compile(r"[A-Za-z0-9_+#.-]{1,32}")
# A body of words and sentence punctuation on non-blank lines, none starting with
# a space or a digit ("1." opens a list) or ending with a space (a hard break),
# is one paragraph of itself: no Markdown parse, and nothing to clean.
PLAIN = re.compile(r"(?:[^\W_]|[ ,.?!'\"])+(?:\n(?:[^\W_]|[ ,.?!'\"])+)*")
NOT_PLAIN = re.compile(r"(?m)^[\d ]| $")
MENTION_TAG = re.compile(r'<span class="mention" data-user="([^"<>&]*)">')

TAGS = {"p", "br", "em", "strong", "s", "code", "pre", "blockquote", "ul", "ol", "li", "a", "span"}
ATTRIBUTES = {"*": set(), "a": {"href"}, "code": {"class"}, "ol": {"start"}, "span": {"data-user"}}


def language_only(tag, attribute, value):
    """nh3's filter: a code block's class names its language, and nothing else."""
    if tag == "code" and attribute == "class":
        return value if value.startswith("language-") and LANGUAGE.fullmatch(value[9:]) else None
    return value


CLEANER = nh3.Cleaner(
    tags=TAGS, attributes=ATTRIBUTES, attribute_filter=language_only, url_schemes=set(s[:-1] for s in SCHEMES),
    link_rel="noopener noreferrer nofollow", tag_attribute_values={"span": {"class": {"mention"}}},
    set_tag_attribute_values={"a": {"target": "_blank"}}, clean_content_tags={"script", "style"})


def only_web_links(url):
    """markdown-it's link check, stricter: http, https and mailto only (its own
    check has already decoded entities and stripped the whitespace that hides a
    scheme; the rest of the URL is percent-encoded)."""
    return url.strip().lower().startswith(SCHEMES)


def build():
    md = MarkdownIt("commonmark", {"breaks": True, "html": False, "linkify": True, "maxNesting": MAX_NESTING})
    md.enable(["strikethrough", "linkify"])
    md.disable(["code", "hr", "reference", "html_block", "heading", "lheading", "image", "html_inline"])
    md.linkify.set({"fuzzy_link": False})  # "render.py" is a file name, not a site
    md.linkify.add("ftp:", None).add("//", None)
    md.validateLink = only_web_links
    md.block.ruler.before("fence", "too_deep", too_deep)
    md.core.ruler.push("fence_languages", fence_languages)
    md.core.ruler.push("mentions", mark_mentions)
    md.add_render_rule("mention", render_mention)
    return md


def too_deep(state, start, end, silent):
    """Block rule, before any that opens a block: note a body nested so deep that markdown-it
    would drop the rest of it (beyond maxNesting), so that `render` shows it as
    the text it is instead."""
    if state.level >= MAX_NESTING - 2:  # a list item opens two levels at once
        state.env["too_deep"] = True
    return False


def mark_mentions(state):
    """Core rule: split the text tokens outside links at each confirmed @name
    (state.env["names"], longest first, so @bob.smith is not @bob)."""
    names = state.env.get("names")
    if not names:
        return
    for block in state.tokens:
        if block.type != "inline" or "@" not in block.content:
            continue
        children, in_link = [], 0
        for token in block.children or ():
            in_link += token.type == "link_open"
            in_link -= token.type == "link_close"
            if token.type == "text" and not in_link and "@" in token.content:
                children.extend(split_mentions(token, names, state.env["marked"]))
            else:
                children.append(token)
        block.children = children


def split_mentions(token, names, marked):
    """`token` as text and mention tokens, adding the names it marks to `marked`."""
    pieces, text, start, at = [], token.content, 0, token.content.find("@")
    while at >= 0:
        name = next((name for name in names if is_mention(text, at, name)), None)
        if name:
            if at > start:
                pieces.append(text_token(text[start:at]))
            end = at + 1 + len(name)
            mention = Token("mention", "span", 0, content=text[at:end], meta={"user": name})
            pieces.append(mention)
            marked.add(name)
            start = end
        at = text.find("@", max(at + 1, start))
    if not pieces:
        return [token]
    return pieces + ([text_token(text[start:])] if start < len(text) else [])


def text_token(content):
    return Token("text", "", 0, content=content)


def render_mention(renderer, tokens, idx, options, env):
    token = tokens[idx]
    user = escape(token.meta["user"])
    return f'<span class="mention" data-user="{user}">{escape(token.content)}</span>'


def escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def fence_languages(state):
    """Core rule: a fence's info string becomes its language class only when it is a plain word."""
    for token in state.tokens:
        if token.type == "fence":
            words = token.info.split()
            token.info = words[0] if words and LANGUAGE.fullmatch(words[0]) else ""


MD = build()


@dataclass(frozen=True)
class Rendered:
    html: str
    mentioned: frozenset  # the usernames marked as mentions


def is_plain(body):
    return bool(PLAIN.fullmatch(body)) and not NOT_PLAIN.search(body)


def render(body, names=()):
    """`body` as sanitised HTML, with the @mentions of `names` (usernames the
    caller has confirmed as members) marked."""
    if is_plain(body):
        return Rendered("<p>" + body.replace("\n", "<br>\n") + "</p>", frozenset())
    return render_markdown(body, names)


def render_markdown(body, names=()):
    """`render` the whole way, without the plain-text shortcut."""
    by_name = {name.lower(): name for name in names}
    env = {"names": sorted(by_name.values(), key=len, reverse=True), "marked": set()}
    tokens = MD.parse(body, env)
    if env.get("too_deep"):
        return Rendered(as_text(body), frozenset())
    return Rendered(CLEANER.clean(MD.renderer.render(tokens, MD.options, env)).strip(), frozenset(env["marked"]))


def as_text(body):
    """`body` as one paragraph of text, its lines kept."""
    return CLEANER.clean("<p>" + escape(body).replace("\n", "<br>\n") + "</p>")


def mentions(html, username):
    """Whether rendered `html` marks a mention of `username`."""
    return bool(username) and any(found.group(1) == username for found in MENTION_TAG.finditer(html or ""))


def for_reader(html, username):
    """Rendered `html`, safe to show as it is, with the reader's own mentions
    given the class "me" (static/js/timeline.js does the same for live ones)."""
    if username and "mention" in html:
        html = MENTION_TAG.sub(lambda found: found.group(0).replace('"mention"', '"mention me"')
                               if found.group(1) == username else found.group(0), html)
    return Markup(html)
