from chat.extensions import db
from chat.models import Message, Room, User
from config import ProductionConfig
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


def test_an_operator_creates_a_private_room_for_an_owner(app, runner, alice):
    result = runner.invoke(args=["rooms", "create", "ops", "--owner", "alice", "--private", "--topic", "Pager"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        room = db.session.scalar(db.select(Room).where(Room.name == "ops"))
        assert (room.private, room.topic, [m.user.username for m in room.members()]) == (True, "Pager", ["alice"])


def test_demo_data_loads_once_and_can_be_loaded_again_safely(app, runner):
    first = runner.invoke(args=["demo", "--password", PASSWORD])
    assert first.exit_code == 0, first.output
    again = runner.invoke(args=["demo", "--password", PASSWORD])
    assert again.exit_code == 0, again.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Room)) == 3
        assert db.session.scalar(db.select(db.func.count()).select_from(Message)) == 15
        assert User.authenticate("bob", PASSWORD) is not None


def test_demo_data_is_refused_in_production(database_uri):
    from chat import create_app

    app = create_app(ProductionConfig, SECRET_KEY="k" * 40, SQLALCHEMY_DATABASE_URI=database_uri)
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 1 and "production" in result.output
