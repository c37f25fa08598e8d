"""What a room's owner, or a site admin in any room, can do: rename, retopic, kick, ban, unban."""
import pytest

from chat.extensions import db
from chat.models import Membership
from chat.models.membership import OWNER
from tests.conftest import history, last_seq, person

# action: (method, path under /rooms/<id>, payload)
ACTIONS = {
    "rename": ("PATCH", "", {"name": "renamed"}),
    "retopic": ("PATCH", "", {"topic": "New topic"}),
    "kick": ("DELETE", "/members/carol", None),
    "ban": ("POST", "/bans", {"username": "carol"}),
    "list bans": ("GET", "/bans", None),
    "unban": ("DELETE", "/bans/carol", None),
}
ALLOWED = {"rename": 200, "retopic": 200, "kick": 204, "ban": 201, "list bans": 200, "unban": 204}
REFUSED = {"member": (403, "owner_only"), "outsider": (404, "room_not_found")}


@pytest.fixture
def carol(app, api, general):
    """A member of general, there to be moderated."""
    carol = person(app, "carol")
    api.as_(carol).post(f"/rooms/{general}/members", json={})
    return carol


def act(api, who, room, action, **overrides):
    method, path, payload = ACTIONS[action]
    return api.as_(who).call(method, f"/rooms/{room}{path}", json=overrides or payload)


def refusal(response):
    return response.status_code, response.get_json()["error"]["code"]


def make_admin(runner, username):
    result = runner.invoke(args=["users", "admin", username])
    assert result.exit_code == 0, result.output


def make_owner(app, who, room):
    with app.app_context():
        Membership.of(room, who.id).role = OWNER
        db.session.commit()


def members(api, who, room):
    return [m["user"]["username"] for m in api.as_(who).get(f"/rooms/{room}").get_json()["members"]]


def system_events(api, who, room):
    """(author, event) for each system message in the room's history."""
    return [(m["author"]["username"], m["event"]) for m in history(api, who, room) if m["kind"] == "system"]


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", ["owner", "admin", "member", "outsider"])
def test_only_the_owner_or_a_site_admin_may_moderate(api, runner, alice, bob, carol, mallory, general, role, action):
    if action == "unban":
        act(api, alice, general, "ban")
    if role == "admin":
        make_admin(runner, "mallory")
    actor = {"owner": alice, "member": bob}.get(role, mallory)
    before = (last_seq(api, alice, general), members(api, alice, general))
    response = act(api, actor, general, action)
    if role in REFUSED:
        assert refusal(response) == REFUSED[role]
        assert (last_seq(api, alice, general), members(api, alice, general)) == before
    else:
        assert response.status_code == ALLOWED[action]


def test_a_site_admin_moderates_a_private_room_they_are_not_in(api, runner, alice, bob, mallory, secret):
    api.as_(alice).post(f"/rooms/{secret}/members", json={"username": "bob"})
    make_admin(runner, "mallory")
    renamed = act(api, mallory, secret, "rename", name="inner circle")
    assert (renamed.status_code, renamed.get_json()["name"], renamed.get_json()["member"]) == (200, "inner circle", False)
    assert api.as_(mallory).delete(f"/rooms/{secret}/members/bob").status_code == 204
    assert members(api, alice, secret) == ["alice"]
    assert api.as_(bob).get(f"/rooms/{secret}").status_code == 404


def test_renaming_and_retopicing_answers_with_the_room_and_records_each_change_in_history(api, alice, bob, general):
    response = api.as_(alice).call("PATCH", f"/rooms/{general}", json={"name": "lobby", "topic": "Say hi"})
    assert response.status_code == 200
    room = response.get_json()
    assert (room["id"], room["name"], room["topic"], room["role"], room["last_seq"]) == \
        (general, "lobby", "Say hi", "owner", 2)
    assert system_events(api, bob, general) == [
        ("alice", {"action": "rename", "user": None, "name": "lobby", "previous": "general"}),
        ("alice", {"action": "topic", "user": None, "topic": "Say hi"})]
    assert [r["name"] for r in api.as_(bob).get("/rooms").get_json()["rooms"]] == ["lobby"]


def test_setting_the_name_and_topic_they_already_have_records_nothing(api, alice, general):
    response = api.as_(alice).call("PATCH", f"/rooms/{general}", json={"name": "general", "topic": "Anything goes"})
    assert response.status_code == 200
    assert last_seq(api, alice, general) == 0


@pytest.mark.parametrize("payload, code", [
    ({"name": ""}, "too_short"),
    ({"name": "   "}, "too_short"),
    ({"name": "x" * 81}, "too_long"),
    ({"name": 5}, "invalid_field"),
    ({"name": "a\u0000b"}, "invalid_characters"),
    ({"topic": "x" * 251}, "too_long"),
    ({"topic": ["t"]}, "invalid_field"),
    ({"name": "fine", "topic": 7}, "invalid_field"),
    (["lobby"], "invalid_json"),
])
def test_a_bad_rename_is_a_400_and_changes_nothing(api, alice, general, payload, code):
    response = api.as_(alice).call("PATCH", f"/rooms/{general}", json=payload)
    assert refusal(response) == (400, code)
    room = api.as_(alice).get(f"/rooms/{general}").get_json()
    assert (room["name"], room["topic"], room["last_seq"]) == ("general", "Anything goes", 0)


def test_a_kicked_member_is_out_and_may_join_again(api, alice, bob, general):
    assert api.as_(alice).delete(f"/rooms/{general}/members/bob").status_code == 204
    assert members(api, alice, general) == ["alice"]
    assert refusal(api.as_(bob).get(f"/rooms/{general}/messages")) == (403, "not_a_member")
    assert api.as_(bob).post(f"/rooms/{general}/members", json={}).status_code == 201
    bob_json = {"id": bob.id, "username": "bob"}
    assert system_events(api, bob, general) == [("alice", {"action": "kick", "user": bob_json}),
                                               ("bob", {"action": "join", "user": bob_json})]


def test_a_banned_user_cannot_join_or_be_invited_until_unbanned(api, alice, bob, general, secret):
    for room in (general, secret):
        response = api.as_(alice).post(f"/rooms/{room}/bans", json={"username": "bob"})
        assert response.status_code == 201
        assert {k: response.get_json()[k] for k in ("room_id", "user")} == \
            {"room_id": room, "user": {"id": bob.id, "username": "bob"}}
    assert refusal(api.as_(bob).post(f"/rooms/{general}/members", json={})) == (403, "banned")
    assert refusal(api.as_(alice).post(f"/rooms/{secret}/members", json={"username": "bob"})) == (403, "banned")
    assert [b["user"]["username"] for b in api.as_(alice).get(f"/rooms/{general}/bans").get_json()["bans"]] == ["bob"]
    assert api.as_(alice).delete(f"/rooms/{general}/bans/bob").status_code == 204
    assert api.as_(alice).get(f"/rooms/{general}/bans").get_json() == {"bans": []}
    assert api.as_(bob).post(f"/rooms/{general}/members", json={}).status_code == 201
    assert [action for _, action in system_events(api, bob, general)] == [
        {"action": "ban", "user": {"id": bob.id, "username": "bob"}},
        {"action": "unban", "user": {"id": bob.id, "username": "bob"}},
        {"action": "join", "user": {"id": bob.id, "username": "bob"}}]


def test_banning_someone_who_never_joined_keeps_them_out_and_banning_again_is_a_200(api, alice, mallory, general):
    assert api.as_(alice).post(f"/rooms/{general}/bans", json={"username": "mallory"}).status_code == 201
    again = api.as_(alice).post(f"/rooms/{general}/bans", json={"username": "mallory"})
    assert (again.status_code, again.get_json()["user"]["username"]) == (200, "mallory")
    assert last_seq(api, alice, general) == 1
    assert refusal(api.as_(mallory).post(f"/rooms/{general}/members", json={})) == (403, "banned")


@pytest.mark.parametrize("method, path, payload, status, code", [
    ("DELETE", "/members/nobody", None, 404, "user_not_found"),
    ("DELETE", "/members/mallory", None, 404, "not_a_member"),
    ("DELETE", "/members/alice", None, 400, "cannot_remove_yourself"),
    ("POST", "/bans", {"username": "alice"}, 400, "cannot_remove_yourself"),
    ("POST", "/bans", {"username": "nobody"}, 404, "user_not_found"),
    ("POST", "/bans", {}, 400, "missing_field"),
    ("POST", "/bans", {"username": 3}, 400, "invalid_field"),
    ("DELETE", "/bans/bob", None, 404, "not_banned"),
    ("DELETE", "/bans/nobody", None, 404, "user_not_found"),
])
def test_removing_or_banning_the_wrong_person_says_why(api, alice, bob, mallory, general, method, path, payload,
                                                      status, code):
    response = api.as_(alice).call(method, f"/rooms/{general}{path}", json=payload)
    assert refusal(response) == (status, code)
    assert members(api, alice, general) == ["alice", "bob"]
    assert last_seq(api, alice, general) == 0


@pytest.mark.parametrize("method, path, payload", [("DELETE", "/members/bob", None),
                                                   ("POST", "/bans", {"username": "bob"})])
def test_an_owner_cannot_remove_another_owner_but_a_site_admin_can(app, api, runner, alice, bob, mallory, general,
                                                                   method, path, payload):
    make_owner(app, bob, general)
    assert refusal(api.as_(alice).call(method, f"/rooms/{general}{path}", json=payload)) == (403, "owner_protected")
    assert members(api, alice, general) == ["alice", "bob"]
    make_admin(runner, "mallory")
    assert api.as_(mallory).call(method, f"/rooms/{general}{path}", json=payload).status_code in (201, 204)
    assert members(api, alice, general) == ["alice"]


def test_a_site_admin_can_remove_the_only_owner_and_the_room_passes_to_the_next_member(
        api, runner, alice, bob, mallory, general):
    make_admin(runner, "mallory")
    assert api.as_(mallory).delete(f"/rooms/{general}/members/alice").status_code == 204
    room = api.as_(bob).get(f"/rooms/{general}").get_json()
    assert [(m["user"]["username"], m["role"]) for m in room["members"]] == [("bob", "owner")]
    assert system_events(api, bob, general) == [
        ("mallory", {"action": "kick", "user": {"id": alice.id, "username": "alice"}})]
