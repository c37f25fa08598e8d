"""Message bodies and the exact HTML chat/render.py makes of them: shared by
tests/test_markup.py (the table) and tests/browser/test_format.py (the attacks,
which a browser must show as text)."""


def link(url, text=None):
    return f'<a href="{url}" target="_blank" rel="noopener noreferrer nofollow">{text or url}</a>'


def p(html):
    return f"<p>{html}</p>"


# (body, the HTML rendered when bob and bob.smith are the members it may mention)
CASES = [
    ("plain words", p("plain words")),
    ("two\nlines", p("two<br>\nlines")),
    ("one\n\ntwo", "<p>one</p>\n<p>two</p>"),
    ("a < b & c > d", p("a &lt; b &amp; c &gt; d")),
    ("**strong** and *em* and _em_", p("<strong>strong</strong> and <em>em</em> and <em>em</em>")),
    ("~~gone~~", p("<s>gone</s>")),
    ("run `ls <dir>` now", p("run <code>ls &lt;dir&gt;</code> now")),
    ("```python\nif a < b:\n    pass\n```",
     '<pre><code class="language-python">if a &lt; b:\n    pass\n</code></pre>'),
    ("```\nno language\n```", "<pre><code>no language\n</code></pre>"),
    ("```py title=x onclick=alert(1)\nx\n```", '<pre><code class="language-py">x\n</code></pre>'),
    ('```"><script>alert(1)</script>\nx\n```', "<pre><code>x\n</code></pre>"),
    ("> quoted\n> twice", "<blockquote>\n" + p("quoted<br>\ntwice") + "\n</blockquote>"),
    ("- one\n- two", "<ul>\n<li>one</li>\n<li>two</li>\n</ul>"),
    ("3. three\n4. four", '<ol start="3">\n<li>three</li>\n<li>four</li>\n</ol>'),
    ("see https://example.com/x.", p(f"see {link('https://example.com/x')}.")),
    ("https://en.wikipedia.org/wiki/Foo_(bar)", p(link("https://en.wikipedia.org/wiki/Foo_(bar)"))),
    ("[docs](https://example.com/docs \"a title\")", p(link("https://example.com/docs", "docs"))),
    ("<https://example.com>", p(link("https://example.com"))),
    ("mail me@example.com", p(f"mail {link('mailto:me@example.com', 'me@example.com')}")),
    ("render.py and www.example.com", p("render.py and www.example.com")),
    ("ftp://example.com/file", p("ftp://example.com/file")),
    ('https://x.example/"onmouseover="alert(1)',
     p(link("https://x.example/%22onmouseover=%22alert(1)", 'https://x.example/"onmouseover="alert(1)'))),
    # Mentions: members only, whole words, never inside code or links.
    ("hi @bob!", p('hi <span class="mention" data-user="bob">@bob</span>!')),
    ("@BOB. are you there?", p('<span class="mention" data-user="bob">@BOB</span>. are you there?')),
    ("@bob.smith and @bob", p('<span class="mention" data-user="bob.smith">@bob.smith</span> and '
                              '<span class="mention" data-user="bob">@bob</span>')),
    ("@bobby alice@bob @carol", p("@bobby alice@bob @carol")),
    ("**@bob**", p('<strong><span class="mention" data-user="bob">@bob</span></strong>')),
    ("`@bob` and\n```\n@bob\n```", p("<code>@bob</code> and") + "\n<pre><code>@bob\n</code></pre>"),
    ("[ask @bob](https://example.com) https://example.com/@bob",
     p(link("https://example.com", "ask @bob") + " " + link("https://example.com/@bob"))),
    # Outside the subset: shown as the text it is.
    ("# not a heading", p("# not a heading")),
    ("title\n===", p("title<br>\n===")),
    ("---", p("---")),
    ("    four spaces", p("four spaces")),
    ("[ref]: https://example.com", p(f"[ref]: {link('https://example.com')}")),
    ("| a | b |\n|---|---|", p("| a | b |<br>\n|---|---|")),
]

# Attacks, each shown as text (or a harmless link): (body, the HTML).
ATTACKS = [
    ("<script>alert(1)</script>", p("&lt;script&gt;alert(1)&lt;/script&gt;")),
    ('<img src=x onerror="alert(1)">', p('&lt;img src=x onerror="alert(1)"&gt;')),
    ('<svg onload="alert(1)"></svg>', p('&lt;svg onload="alert(1)"&gt;&lt;/svg&gt;')),
    ('<a href="javascript:alert(1)">click</a>', p('&lt;a href="javascript:alert(1)"&gt;click&lt;/a&gt;')),
    ("<div onclick=alert(1)>hi</div>\n\nafter", p("&lt;div onclick=alert(1)&gt;hi&lt;/div&gt;") + "\n" + p("after")),
    ("<!-- hidden -->", p("&lt;!-- hidden --&gt;")),
    ("![x](https://example.com/x.png)", p("!" + link("https://example.com/x.png", "x"))),
    ("![x](javascript:alert(1))", p("![x](javascript:alert(1))")),
    ("javascript:alert(1)", p("javascript:alert(1)")),
    ("[click](javascript:alert(1))", p("[click](javascript:alert(1))")),
    ("[click](JaVaScRiPt:alert(1))", p("[click](JaVaScRiPt:alert(1))")),
    ("[click]( javascript:alert(1))", p("[click]( javascript:alert(1))")),
    ("[click](jav&#x09;ascript:alert(1))", p("[click](jav\tascript:alert(1))")),
    ("[click](&#106;avascript:alert(1))", p("[click](javascript:alert(1))")),
    ("[click](javascript&colon;alert(1))", p("[click](javascript:alert(1))")),
    ("[click](<javascript:alert(1)>)", p("[click](&lt;javascript:alert(1)&gt;)")),
    ("<javascript:alert(1)>", p("&lt;javascript:alert(1)&gt;")),
    ("[click](data:text/html;base64,PHNjcmlwdD4=)", p("[click](data:text/html;base64,PHNjcmlwdD4=)")),
    ("[click](DATA:text/html,x)", p("[click](DATA:text/html,x)")),
    ("[click](vbscript:msgbox(1))", p("[click](vbscript:msgbox(1))")),
    ("[click](VBScript:msgbox(1))", p("[click](VBScript:msgbox(1))")),
    ("[click](/relative/path)", p("[click](/relative/path)")),
    ("[click](//evil.example)", p("[click](//evil.example)")),
    ('[x](https://example.com "a" onmouseover="alert(1)")',
     p(f'[x]({link("https://example.com")} "a" onmouseover="alert(1)")')),
]
