"""Message bodies and the HTML chat/markup.py renders for each reader: shared by
tests/test_markup.py and tests/browser/test_format.py, which checks that
static/js/format.js builds the same DOM from the same bodies."""


def link(url):
    return f'<a href="{url}" rel="noopener noreferrer" target="_blank">{url}</a>'


def mark(text):
    return f'<mark class="mention">{text}</mark>'


# (body, reader, the HTML the server renders)
CASES = [
    ("plain words", "alice", "plain words"),
    ("a < b & c > d", "alice", "a &lt; b &amp; c &gt; d"),
    ("<img src=x onerror=alert(1)>", "alice", "&lt;img src=x onerror=alert(1)&gt;"),
    ("see https://example.com/x.", "alice", f"see {link('https://example.com/x')}."),
    ("(http://example.com/a)", "alice", f"({link('http://example.com/a')})"),
    ("https://en.wikipedia.org/wiki/Foo_(bar)", "alice", link("https://en.wikipedia.org/wiki/Foo_(bar)")),
    ("HTTPS://EXAMPLE.COM/Up!", "alice", link("HTTPS://EXAMPLE.COM/Up") + "!"),
    ("two: https://a.example/1, https://b.example/2?x=1&y=2", "alice",
     f"two: {link('https://a.example/1')}, {link('https://b.example/2?x=1&amp;y=2')}"),
    ('https://x.example/"onmouseover="alert(1)', "alice",
     link("https://x.example/") + "&#34;onmouseover=&#34;alert(1)"),
    ("javascript:alert(1)", "alice", "javascript:alert(1)"),
    ("ftp://example.com/file", "alice", "ftp://example.com/file"),
    ("https:// and https://.", "alice", "https:// and https://."),
    ("hi @alice!", "alice", f"hi {mark('@alice')}!"),
    ("@ALICE. are you there?", "alice", f"{mark('@ALICE')}. are you there?"),
    ("@alice2 @alice_b @alice.b bob@alice", "alice", "@alice2 @alice_b @alice.b bob@alice"),
    ("@alice @alice", "alice", f"{mark('@alice')} {mark('@alice')}"),
    ("hi @bob", "alice", "hi @bob"),
    ("ping @jos\u00e9", "jos", "ping @jos\u00e9"),
    ("https://example.com/@alice", "alice", link("https://example.com/@alice")),
    ("@alice: https://example.com", "alice", f"{mark('@alice')}: {link('https://example.com')}"),
    ("line one\n@alice line two", "alice", f"line one\n{mark('@alice')} line two"),
    ("hi @alice", None, "hi @alice"),
    ("hi @alice\U0001f389 and \U0001f389@alice", "alice", f"hi {mark('@alice')}\U0001f389 and \U0001f389{mark('@alice')}"),
    ("https://example.com\ufeffabc", "alice", link("https://example.com") + "\ufeffabc"),
    ("@\u017fam httpſ://x.example", "sam", "@\u017fam httpſ://x.example"),
    ("@alicehttp://. and @alice", "alice", f"@alicehttp://. and {mark('@alice')}"),
]
