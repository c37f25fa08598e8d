"""A message's HTML: rendered once when posted or edited, stored with the
renderer's version, rendered afresh (and not written) when that is older, and
never what search reads."""
from sqlalchemy import event, select, update

from chat.extensions import db
from chat.models import Mention, Message, Room, User
from chat.models.search import search
from chat.render import RENDERER_VERSION
from tests.conftest import post_message


def posted(app, room_id, who, body):
    """Post `body`; returns (the stored html, its version, the JSON's html)."""
    with app.app_context():
        message, _ = db.session.get(Room, room_id).post(db.session.get(User, who.id), body)
        return message.html, message.html_version, message.to_json()["html"]


def mentioned(app, room_id):
    with app.app_context():
        return sorted((m.seq, db.session.get(User, m.user_id).username) for m in db.session.scalars(
            select(Mention).where(Mention.room_id == room_id)))


def test_posting_stores_the_body_as_html_with_the_renderers_version(app, alice, general):
    html = '<pre><code class="language-python">print(1)\n</code></pre>'
    assert posted(app, general, alice, "```python\nprint(1)\n```") == (html, RENDERER_VERSION, html)


def test_a_mention_of_a_member_is_marked_and_recorded_but_not_in_code_or_of_an_outsider(
        app, alice, bob, mallory, general):
    html, _, _ = posted(app, general, alice, "@bob @mallory @alice")
    assert html == ('<p><span class="mention" data-user="bob">@bob</span> @mallory '
                    '<span class="mention" data-user="alice">@alice</span></p>')
    posted(app, general, alice, "`@bob` and [@bob](https://example.com)")
    assert mentioned(app, general) == [(1, "bob")]  # alice named herself: marked, but no news to her


def test_an_edit_renders_again_and_replaces_who_is_mentioned(app, alice, bob, general):
    post_message(app, general, alice, "hi @bob")
    with app.app_context():
        message = Message.at(general, 1)
        message.edit(db.session.get(User, alice.id), "hi `@bob`, **bold** now")
        assert (message.html, message.to_json()["html"]) == ("<p>hi <code>@bob</code>, <strong>bold</strong> now</p>",) * 2
    assert mentioned(app, general) == []


def test_a_tombstone_and_a_system_line_have_empty_html(app, alice, bob, mallory, general):
    post_message(app, general, alice, "**soon gone**")
    with app.app_context():
        room, owner = db.session.get(Room, general), db.session.get(User, alice.id)
        Message.at(general, 1).delete(owner)
        room.join(db.session.get(User, mallory.id))
        shown = [(m.kind, m.to_json()["deleted"], m.to_json()["html"]) for m in Message.page(general)[0]]
    assert shown == [("message", True, ""), ("system", False, "")]


def test_html_from_an_older_renderer_is_rendered_afresh_when_shown_and_not_written(app, alice, bob, general):
    post_message(app, general, alice, "*new* @bob")
    with app.app_context():
        db.session.execute(update(Message).values(html="<p>old</p>", html_version=RENDERER_VERSION - 1))
        db.session.commit()
        writes = []
        event.listen(db.engine, "before_cursor_execute",
                     lambda conn, cursor, statement, *args: writes.append(statement) if "UPDATE" in statement else None)
        html = Message.at(general, 1).to_json()["html"]
        db.session.commit()
        assert html == '<p><em>new</em> <span class="mention" data-user="bob">@bob</span></p>'
        assert writes == []
        db.session.expire_all()
        assert Message.at(general, 1).html == "<p>old</p>"


def test_a_plain_post_looks_nobody_up_and_one_with_an_at_looks_up_its_names_once(app, alice, general):
    with app.app_context():
        room, author = db.session.get(Room, general), db.session.get(User, alice.id)
        room.post(author, "warming up")  # after each commit the room and author are read again

        def statements_of(body):
            statements = []

            def record(conn, cursor, statement, *args):
                statements.append(statement)
            event.listen(db.engine, "before_cursor_execute", record)
            try:
                room.post(author, body)
            finally:
                event.remove(db.engine, "before_cursor_execute", record)
            return statements

        plain, named = statements_of("just words, no names"), statements_of("and now @bob")
    lookups = [s for s in named if "username_key IN" in s]
    assert not [s for s in plain if "username_key IN" in s] and len(lookups) == 1
    assert len(named) == len(plain) + 2  # the lookup, and the mention it records


def test_search_matches_the_words_not_the_markup(app, alice, bob, general):
    post_message(app, general, alice, "**deploy** the `rollback` script\n```python\nmigrate()\n```\n@bob")
    with app.app_context():
        reader = db.session.get(User, bob.id)
        found = {q: len(search(reader, q).hits) for q in ["deploy", "rollback", "migrate", "span", "class", "strong"]}
    assert found == {"deploy": 1, "rollback": 1, "migrate": 1, "span": 0, "class": 0, "strong": 0}
