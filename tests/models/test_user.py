import pytest

from chat.errors import Problem
from chat.models import User
from tests.conftest import PASSWORD


@pytest.mark.parametrize("first, second", [
    ("Alice", "alice"),
    ("alice", "ALICE"),
    ("alice", "ａｌｉｃｅ"),  # fullwidth folds under NFKC
    ("Straße", "STRASSE"),  # casefold, not lower
])
def test_usernames_that_differ_only_in_case_or_width_are_the_same_name(app, first, second):
    with app.app_context():
        User.register(first, PASSWORD)
        with pytest.raises(Problem) as taken:
            User.register(second, PASSWORD)
        assert (taken.value.status, taken.value.code) == (409, "username_taken")


@pytest.mark.parametrize("username, code", [
    ("al", "invalid_username"),
    ("a" * 33, "invalid_username"),
    ("al ice", "invalid_username"),
    ("al@ice", "invalid_username"),
    ("alice\x00", "invalid_username"),
    ("<script>", "invalid_username"),
    (42, "invalid_field"),
])
def test_a_username_outside_the_rules_is_refused(app, username, code):
    with app.app_context():
        with pytest.raises(Problem) as refused:
            User.register(username, PASSWORD)
        assert (refused.value.status, refused.value.code, refused.value.field) == (400, code, "username")


@pytest.mark.parametrize("username", ["bob_99", "b.o-b", "Zoë", "日本語ユーザー", "ｂｏｂ"])
def test_letters_digits_and_underscore_dash_dot_make_a_username(app, username):
    with app.app_context():
        assert User.register(username, PASSWORD).id


@pytest.mark.parametrize("password, code", [
    ("short", "invalid_password"),
    ("x" * 129, "invalid_password"),
    ("password1234", "weak_password"),
    ("Password1234", "weak_password"),
    ("aaaaaaaaaaaaaaa", "weak_password"),
    ("alice_the_great", None),
    (None, "missing"),
])
def test_passwords_must_be_12_to_128_characters_and_not_common(app, password, code):
    with app.app_context():
        if code is None:
            assert User.register("alice", password).check_password(password)
            return
        with pytest.raises(Problem) as refused:
            User.register("alice", password)
        assert refused.value.field == "password"
        if code != "missing":
            assert refused.value.code == code


def test_a_password_equal_to_the_username_is_refused(app):
    with app.app_context():
        with pytest.raises(Problem, match="too easy"):
            User.register("alicealicealice", "AliceAliceAlice")


def test_passwords_are_stored_as_scrypt_hashes(app):
    with app.app_context():
        user = User.register("alice", PASSWORD)
        assert user.password_hash.startswith("scrypt:")
        assert PASSWORD not in user.password_hash


def test_authenticate_finds_the_user_by_any_spelling_of_the_name(app):
    with app.app_context():
        User.register("Alice", PASSWORD)
        assert User.authenticate("ALICE", PASSWORD).username == "Alice"
        assert User.authenticate("alice", "wrong password!!") is None
        assert User.authenticate("nobody", PASSWORD) is None
