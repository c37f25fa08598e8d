"""How far each person reaches into a room: the one lookup every room view goes through."""
import pytest
from flask_login import login_user
from sqlalchemy import event

from chat.errors import Problem
from chat.extensions import db
from chat.models import Room, User
from chat.scope import INSIDE, MEMBER, MODERATE, REACH, SEE, look_up

OK = "ok"
# need -> {(who, room): what the lookup answers}. alice owns general (which bob
# has joined) and secret; alice and bob share a DM; mallory is in nothing; admin
# is a site admin in nothing.
RULES = {
    SEE: {("bob", "general"): OK, ("mallory", "general"): OK, ("mallory", "secret"): 404,
          ("admin", "secret"): 404, ("admin", "dm"): 404, ("bob", "dm"): OK},
    MEMBER: {("bob", "general"): OK, ("mallory", "general"): 403, ("mallory", "secret"): 404,
             ("admin", "general"): 403, ("admin", "secret"): 404},
    REACH: {("bob", "general"): OK, ("mallory", "general"): 404, ("admin", "general"): OK,
            ("admin", "secret"): OK, ("admin", "dm"): 404},
    MODERATE: {("alice", "general"): OK, ("bob", "general"): 403, ("mallory", "general"): 404,
               ("admin", "secret"): OK, ("admin", "dm"): 404},
    INSIDE: {("bob", "general"): OK, ("mallory", "general"): 404, ("admin", "general"): 404,
             ("admin", "secret"): 404},
}
CASES = [(need, who, room, answer) for need, table in RULES.items() for (who, room), answer in table.items()]


@pytest.fixture
def rooms(app, alice, bob, mallory, general, secret):
    """{name: room id} for general, secret and alice and bob's DM, with an admin about."""
    with app.app_context():
        admin = User.register("admin", "an admin's long password")
        admin.is_admin = True
        db.session.commit()
        dm, _ = Room.between(db.session.get(User, alice.id), "bob")
        return {"general": general, "secret": secret, "dm": dm.id}


def answer(app, username, room_id, need):
    with app.test_request_context():
        login_user(User.named(username))
        try:
            look_up(room_id, need)
        except Problem as problem:
            return problem.status
        return OK


@pytest.mark.parametrize("need, who, room, expected", CASES)
def test_each_need_lets_in_exactly_who_it_should_and_hides_the_rest_behind_a_404(app, rooms, need, who, room, expected):
    assert answer(app, who, rooms[room], need) == expected


def test_a_room_that_does_not_exist_is_the_same_404_for_everyone(app, rooms):
    assert {answer(app, who, 424242, need) for who in ("alice", "admin") for need in RULES} == {404}


def test_a_room_view_looks_its_room_up_once_per_request(app, api, alice, general):
    """Posting needs the room, the membership and the login: the room is read once."""
    statements = []
    with app.app_context():
        def record(connection, cursor, statement, *args):
            statements.append(statement)
        event.listen(db.engine, "before_cursor_execute", record)
        try:
            response = api.as_(alice).post(f"/rooms/{general}/messages", json={"body": "once"})
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
    assert response.status_code == 201
    assert len([s for s in statements if "FROM rooms LEFT OUTER JOIN memberships" in s]) == 1

