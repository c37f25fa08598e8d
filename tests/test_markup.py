"""Message bodies as HTML (chat/render.py): the Markdown subset, the mentions
marked in the same pass, what the sanitiser lets through, and bounded time."""
import re
import threading
import time

import pytest

from chat.markup import mentioned_names
from chat.render import for_reader, is_plain, mentions, render, render_markdown
from tests.markup_cases import ATTACKS, CASES

MEMBERS = ["bob", "bob.smith"]
TAG = re.compile(r"<(/?)([a-z]+)([^>]*)>")
ALLOWED = {"p", "br", "em", "strong", "s", "code", "pre", "blockquote", "ul", "ol", "li", "a", "span"}


@pytest.mark.parametrize("body, html", CASES)
def test_a_body_renders_as_the_markdown_subset_with_members_mentions_marked(body, html):
    assert render(body, MEMBERS).html == html


@pytest.mark.parametrize("body, html", ATTACKS)
def test_raw_html_images_and_scripted_links_are_shown_as_text(body, html):
    assert render(body, MEMBERS).html == html


@pytest.mark.parametrize("body", [body for body, _ in CASES + ATTACKS])
def test_whatever_the_body_only_allowed_tags_and_web_links_come_out(body):
    html = render(body, MEMBERS).html
    tags = TAG.findall(html)
    assert {name for _, name, _ in tags} <= ALLOWED
    assert not [attrs for _, _, attrs in tags if re.search(r"\son\w+=|style=|src=", attrs)]
    hrefs = [href for _, _, attrs in tags for href in re.findall(r'href="([^"]*)"', attrs)]
    assert all(re.match(r"(https?|mailto):", href) for href in hrefs)


@pytest.mark.parametrize("body", ["hello", "Hello, world. How are you?", "it's \"quoted\"!", "two\nlines here",
                                  "Grüße aus Köln", "日本語のテキスト", "a  b", "x" * 4000])
def test_a_plain_body_takes_the_shortcut_and_comes_out_as_the_full_renderer_makes_it(body):
    assert is_plain(body)
    assert render(body).html == render_markdown(body).html


@pytest.mark.parametrize("body", ["1. a list", "2) a list", " leading space", "trailing space \nnext", "one\n\ntwo",
                                  "**bold**", "@bob", "see https://example.com", "a_b", "x < y", "\u00a0nbsp",
                                  "# hash", "> quote", "- dash", "tab\there", "emoji \U0001f389"])
def test_anything_markdown_might_read_takes_the_full_renderer(body):
    assert not is_plain(body)


NESTED = [">" * 4000, "> " * 2000, "*" * 4000, "* " * 2000, "- " * 2000, "1. " * 1333, "[" * 4000, "_" * 4000,
          "`" * 4000, "**a" * 1333, "[a](" * 1000, "~~" * 2000, ("> " * 30 + "deep\n") * 100]


@pytest.mark.parametrize("body", NESTED, ids=lambda body: repr(body[:6]))
def test_markdown_nested_four_thousand_deep_renders_in_bounded_time_and_keeps_its_text(body):
    done = {}

    def run():
        started = time.perf_counter()
        done["html"] = render(body).html
        done["seconds"] = time.perf_counter() - started

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(5)
    assert "html" in done, "still rendering after 5 s"
    print(f"{body[:6]!r}: {done['seconds'] * 1000:.1f} ms")
    assert done["seconds"] < 5
    assert "deep" in done["html"] if "deep" in body else done["html"]


def test_a_body_nested_deeper_than_the_limit_is_shown_as_the_text_it_is():
    assert render("> " * 30 + "the words").html == "<p>" + "&gt; " * 30 + "the words</p>"


@pytest.mark.parametrize("body, names, expected", [
    ("hi @alice", ["alice"], {"alice"}),
    ("hi @Alice.", ["alice"], {"alice"}),
    ("hi @alice2", ["alice"], set()),
    ("https://example.com/@alice", ["alice"], set()),
    ("\U0001f389@alice", ["alice"], {"alice"}),
    ("hi @alice", [], set()),
    ("`@alice` > @bob", ["alice", "bob"], {"bob"}),
])
def test_a_mention_counts_only_by_a_members_whole_name_outside_code_and_links(body, names, expected):
    assert render(body, names).mentioned == expected


def test_the_readers_own_mentions_are_found_and_marked_in_the_stored_html():
    html = render("@bob and @bob.smith, not `@alice`", ["bob", "bob.smith", "alice"]).html
    assert (mentions(html, "bob"), mentions(html, "bob.smith"), mentions(html, "alice"), mentions(html, "")) == (
        True, True, False, False)
    assert str(for_reader(html, "bob")) == (
        '<p><span class="mention me" data-user="bob">@bob</span> and '
        '<span class="mention" data-user="bob.smith">@bob.smith</span>, not <code>@alice</code></p>')


def test_text_that_looks_like_a_mention_tag_is_no_mention():
    html = render('`<span class="mention" data-user="bob">` and <span class="mention" data-user="bob">').html
    assert not mentions(html, "bob") and 'class="mention me"' not in for_reader(html, "bob")


def test_the_names_to_look_up_are_each_run_after_an_at_and_its_parts_before_each_dot():
    assert mentioned_names("@bob.smith, @carol. and x@dave") == {"bob.smith", "bob", "carol.", "carol", "dave"}
