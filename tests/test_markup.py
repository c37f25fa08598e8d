"""Message bodies as HTML: escaped, with http(s) links and the reader's mentions."""
import pytest

from chat.markup import mentions, rich
from tests.markup_cases import CASES


@pytest.mark.parametrize("body, reader, html", CASES)
def test_a_body_renders_as_escaped_html_with_links_and_the_readers_mentions(body, reader, html):
    assert str(rich(body, reader)) == html


@pytest.mark.parametrize("body, reader, expected", [
    ("hi @alice", "alice", True),
    ("hi @Alice.", "alice", True),
    ("hi @alice2", "alice", False),
    ("https://example.com/@alice", "alice", False),
    ("@alicehttp://.", "alice", False),
    ("\U0001f389@alice", "alice", True),
    ("hi @alice", None, False),
])
def test_a_message_mentions_the_reader_only_by_their_whole_name(body, reader, expected):
    assert mentions(body, reader) is expected
