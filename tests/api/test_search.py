"""GET /api/v1/search: the messages of my rooms that match some words, and nothing else."""
import pytest

from chat.extensions import db
from chat.models import Membership, Message, Room, User
from tests.api.conftest import response_validator


def post(api, who, room, body):
    response = api.as_(who).post(f"/rooms/{room}/messages", json={"body": body})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def find(api, who, q, **params):
    return api.as_(who).get("/search", query_string={"q": q, **params})


def bodies(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    return [result["message"]["body"] for result in response.get_json()["results"]]


def as_user(who):
    return db.session.get(User, who.id)


@pytest.fixture
def lobby(app, mallory):
    """A public room of mallory's, which nobody else has joined."""
    with app.app_context():
        return Room.create(as_user(mallory), "lobby").id


def test_a_search_finds_messages_by_their_words_in_any_form(api, alice, bob, general):
    posted = post(api, alice, general, "We are deploying on Friday")
    post(api, bob, general, "lunch anyone?")
    response = find(api, bob, "deploy")
    assert bodies(response) == ["We are deploying on Friday"]
    (result,) = response.get_json()["results"]
    assert result["room"] == {"id": general, "name": "general"}
    assert result["message"] == posted
    assert result["url"] == posted["url"] == f"/rooms/{general}/messages/1"
    assert bodies(find(api, bob, "DEPLOYS friday")) == ["We are deploying on Friday"]


def test_every_word_of_the_query_must_match(api, alice, general):
    for body in ("deploy on friday", "deploy on monday", "friday drinks"):
        post(api, alice, general, body)
    assert bodies(find(api, alice, "friday deploy")) == ["deploy on friday"]
    assert bodies(find(api, alice, "friday deploy tuesday")) == []


def test_the_best_match_comes_first_and_equal_matches_newest_first(api, alice, general):
    post(api, alice, general, "we could deploy the service after lunch once the tests have passed on staging")
    post(api, alice, general, "deploy deploy deploy")
    post(api, alice, general, "deploy deploy deploy")
    results = find(api, alice, "deploy").get_json()["results"]
    assert [result["message"]["seq"] for result in results] == [3, 2, 1]


def test_the_snippet_is_plain_text_in_pieces_with_the_matched_words_marked(api, alice, general):
    post(api, alice, general, "Tomorrow we are deploying the <b>new</b> search")
    (result,) = find(api, alice, "deploy search").get_json()["results"]
    assert result["snippet"] == [
        {"text": "Tomorrow we are ", "match": False},
        {"text": "deploying", "match": True},
        {"text": " the <b>new</b> ", "match": False},
        {"text": "search", "match": True},
    ]


def test_a_long_message_is_cut_to_a_passage_around_the_match(api, alice, general):
    words = [f"word{n}" for n in range(200)]
    post(api, alice, general, " ".join(words[:100] + ["deploy"] + words[100:]))
    (result,) = find(api, alice, "deploy").get_json()["results"]
    text = "".join(piece["text"] for piece in result["snippet"])
    assert [piece["text"] for piece in result["snippet"] if piece["match"]] == ["deploy"]
    assert text.startswith("…") and text.endswith("…") and len(text) < 300


def test_results_come_in_pages(api, alice, general):
    for n in range(1, 6):
        post(api, alice, general, f"deploy number {n}")
    seen, offset, pages = [], 0, []
    while offset is not None:
        page = find(api, alice, "deploy", limit=2, offset=offset).get_json()
        seen += [result["message"]["seq"] for result in page["results"]]
        pages.append((len(page["results"]), page["has_more"], page["next_offset"]))
        offset = page["next_offset"]
    assert pages == [(2, True, 2), (2, True, 4), (1, False, None)]
    assert seen == [5, 4, 3, 2, 1]
    assert find(api, alice, "deploy", offset=5).get_json() == {"results": [], "has_more": False, "next_offset": None}


def test_the_room_parameter_keeps_to_one_room(api, alice, general, secret):
    post(api, alice, general, "deploy in general")
    post(api, alice, secret, "deploy in secret")
    assert bodies(find(api, alice, "deploy", room=secret)) == ["deploy in secret"]
    assert bodies(find(api, alice, "deploy", room=general)) == ["deploy in general"]
    assert sorted(bodies(find(api, alice, "deploy"))) == ["deploy in general", "deploy in secret"]


def test_a_deleted_message_is_never_found(app, api, alice, bob, general):
    post(api, alice, general, "deploy the rocket")
    post(api, bob, general, "deploy the lander")
    with app.app_context():
        Message.at(general, 1).delete(as_user(alice))
        Message.at(general, 2).delete(as_user(alice), moderator=True)
    for q in ("deploy", "rocket", "lander"):
        assert bodies(find(api, bob, q)) == []


def test_an_edited_message_is_found_by_its_current_words_only(app, api, alice, general):
    post(api, alice, general, "deploy the rocket")
    with app.app_context():
        Message.at(general, 1).edit(as_user(alice), "launch the lander")
    assert bodies(find(api, alice, "rocket")) == []
    assert bodies(find(api, alice, "deploy")) == []
    assert bodies(find(api, alice, "lander")) == ["launch the lander"]


def test_a_room_event_is_never_found_whatever_its_text(app, api, alice, general):
    with app.app_context():
        room = db.session.get(Room, general)
        room.change(as_user(alice), name="deploy plans")
        # Room events have an empty body today; give one words, to show it is the
        # kind that keeps it out, not the emptiness.
        event = room.record(as_user(alice), "note")
        event.body = "deploy plans"
        db.session.commit()
    assert bodies(find(api, alice, "deploy plans")) == []


def test_a_direct_message_is_named_after_the_other_person(app, api, alice, bob):
    with app.app_context():
        room, _ = Room.between(as_user(alice), "bob")
        room_id = room.id
    post(api, alice, room_id, "deploy together?")
    assert find(api, alice, "deploy").get_json()["results"][0]["room"] == {"id": room_id, "name": "bob"}
    assert find(api, bob, "deploy").get_json()["results"][0]["room"] == {"id": room_id, "name": "alice"}


def test_query_syntax_is_only_ever_words(api, alice, general):
    post(api, alice, general, "alpha beta")
    post(api, alice, general, "alpha gamma")
    # Not an OR: whatever the database makes of the word "or", "alpha beta" has no "gamma".
    assert "alpha beta" not in bodies(find(api, alice, 'alpha" OR "gamma'))
    assert bodies(find(api, alice, "gamma*")) == ["alpha gamma"]
    assert bodies(find(api, alice, '-gamma "alpha')) == ["alpha gamma"]
    assert bodies(find(api, alice, "^alpha beta:")) == ["alpha beta"]
    assert bodies(find(api, alice, "NEAR(alpha gamma)")) == []  # nobody wrote "near"
    assert bodies(find(api, alice, "NEAR(")) == []
    assert bodies(find(api, alice, "alpha & !beta | (gamma) <-> :*")) == []


def test_a_star_after_a_word_makes_it_a_prefix_and_nothing_else_does(api, alice, general):
    post(api, alice, general, "deploying on friday")
    post(api, alice, general, "a deputy")
    assert bodies(find(api, alice, "deplo")) == []
    assert bodies(find(api, alice, "deplo*")) == ["deploying on friday"]
    assert bodies(find(api, alice, "fri* deplo*")) == ["deploying on friday"]
    assert sorted(bodies(find(api, alice, "dep*"))) == ["a deputy", "deploying on friday"]
    assert bodies(find(api, alice, "deplo *")) == []  # the star must touch its word
    assert find(api, alice, "deplo").get_json() == {"results": [], "has_more": False, "next_offset": None}


@pytest.mark.parametrize("params", [
    {}, {"q": ""}, {"q": "   "}, {"q": "!!!"}, {"q": '"'}, {"q": "*"}, {"q": "("}, {"q": '"" * ( ) :'},
    {"q": "_"}, {"q": "x" * 201}, {"q": "deploy " * 40},
    {"q": "deploy", "limit": "0"}, {"q": "deploy", "limit": "51"}, {"q": "deploy", "limit": "ten"},
    {"q": "deploy", "offset": "-1"}, {"q": "deploy", "offset": "10001"}, {"q": "deploy", "offset": "1.5"},
    {"q": "deploy", "room": "0"}, {"q": "deploy", "room": "abc"}, {"q": "deploy", "room": ""},
    {"q": "deploy", "room": "99999999999"},
], ids=repr)
def test_bad_input_is_a_400_never_a_500(api, alice, general, params):
    post(api, alice, general, 'deploy "quoted" * stars NEAR( things')
    response = api.as_(alice).get("/search", query_string=params)
    assert (response.status_code, response.get_json()["error"]["code"]) == (400, "invalid_parameter")


def test_the_longest_query_allowed_still_searches(api, alice, general):
    post(api, alice, general, "deploy")
    assert bodies(find(api, alice, "deploy".ljust(200, "!"))) == ["deploy"]


def test_a_room_that_does_not_exist_is_a_404(api, alice, general):
    response = find(api, alice, "deploy", room=999)
    assert (response.status_code, response.get_json()["error"]["code"]) == (404, "room_not_found")


def test_searching_needs_a_login(api, general):
    response = api.get("/search?q=deploy")
    assert (response.status_code, response.get_json()["error"]["code"]) == (401, "unauthorized")


def test_the_search_leaks_nothing_from_rooms_i_am_not_in(api, alice, bob, mallory, general, secret, lobby):
    """bob is in general only. alice's private room and mallory's public lobby
    both hold the word he searches for, each beside a word of its own."""
    post(api, alice, general, "deploy the ordinary thing")
    post(api, alice, secret, "deploy xylophone")
    post(api, mallory, lobby, "deploy quokka")
    secrets = ("xylophone", "quokka")
    responses = [find(api, bob, "deploy"), find(api, bob, "deploy", limit=50),
                 find(api, bob, "xylophone"), find(api, bob, "quokka"), find(api, bob, "deploy xylophone")]
    assert [bodies(response) for response in responses] == [["deploy the ordinary thing"]] * 2 + [[]] * 3
    rooms = {result["room"]["id"] for response in responses for result in response.get_json()["results"]}
    assert rooms == {general}
    aimed = [find(api, bob, q, room=room) for q in ("deploy", *secrets) for room in (secret, lobby)]
    assert [response.status_code for response in aimed] == [404, 403] * 3
    for response in responses + aimed:
        text = response.get_data(as_text=True)
        assert not any(word in text for word in secrets), text


def test_a_public_room_i_have_not_joined_is_not_searched_until_i_join(app, api, alice, mallory, lobby):
    post(api, mallory, lobby, "deploy quokka")
    assert bodies(find(api, alice, "quokka")) == []
    with app.app_context():
        db.session.get(Room, lobby).join(as_user(alice))
    assert bodies(find(api, alice, "quokka")) == ["deploy quokka"]


@pytest.mark.parametrize("goes", ["leaves", "is removed", "loses the membership row"])
def test_once_i_am_out_of_a_room_its_messages_no_longer_show_in_my_search(app, api, alice, bob, general, goes):
    post(api, alice, general, "deploy xylophone")
    assert bodies(find(api, bob, "xylophone")) == ["deploy xylophone"]
    with app.app_context():
        if goes == "leaves":
            Membership.of(general, bob.id).leave()
        elif goes == "is removed":
            db.session.get(Room, general).remove(as_user(alice), as_user(bob))
        else:
            db.session.delete(Membership.of(general, bob.id))
            db.session.commit()
    for response in (find(api, bob, "xylophone"), find(api, bob, "deploy")):
        assert bodies(response) == []
        assert "xylophone" not in response.get_data(as_text=True)
    assert find(api, bob, "xylophone", room=general).status_code == 403


def test_a_response_matches_its_documented_schema(api, alice, bob, general):
    post(api, alice, general, "deploy the rocket")
    for params, status in (({"q": "deploy", "limit": 1}, 200), ({"q": "!!"}, 400), ({"q": "deploy", "room": 999}, 404)):
        response = api.as_(bob).get("/search", query_string=params)
        assert response.status_code == status
        response_validator("/search", "get", status).validate(response.get_json())
