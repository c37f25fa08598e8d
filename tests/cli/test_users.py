"""`flask users ...`: accounts and API tokens from the command line."""
from chat.models import User
from tests.conftest import PASSWORD


def test_an_operator_creates_a_user_from_the_command_line(app, runner):
    result = runner.invoke(args=["users", "create", "carol", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert User.authenticate("carol", PASSWORD) is not None


def test_a_bad_password_on_the_command_line_says_why(runner):
    result = runner.invoke(args=["users", "create", "carol", "--password", "short"])
    assert result.exit_code == 1 and "12 to 128" in result.output


def test_an_operator_issues_an_api_token_for_a_bot(runner, api, alice):
    token = runner.invoke(args=["users", "token", "alice"]).output.strip()
    assert api.get("/me", headers={"Authorization": f"Bearer {token}"}).get_json()["username"] == "alice"
    assert runner.invoke(args=["users", "token", "nobody"]).exit_code == 1
