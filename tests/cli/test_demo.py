"""`flask demo`: a few people, rooms and messages, never in production."""
from chat import create_app
from chat.extensions import db
from chat.models import Message, Room, User
from config import ProductionConfig
from tests.conftest import PASSWORD


def test_demo_data_loads_once_and_can_be_loaded_again_safely(app, runner):
    first = runner.invoke(args=["demo", "--password", PASSWORD])
    assert first.exit_code == 0, first.output
    again = runner.invoke(args=["demo", "--password", PASSWORD])
    assert again.exit_code == 0, again.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Room)) == 3
        kinds = db.session.execute(db.select(Message.kind, db.func.count()).group_by(Message.kind)).all()
        # "alice added bob" in each room, "carol joined" in the two public ones
        assert dict(kinds) == {"message": 15, "system": 5}
        assert User.authenticate("bob", PASSWORD) is not None


def test_demo_data_is_refused_in_production(database_uri):
    app = create_app(ProductionConfig, SECRET_KEY="k" * 40, SQLALCHEMY_DATABASE_URI=database_uri)
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 1 and "production" in result.output
