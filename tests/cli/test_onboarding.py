"""`flask users create` makes accounts as sign-up does, whatever SIGNUP says: the
first becomes the site's admin and makes #general, and every one joins it."""
import pytest

from chat.extensions import db
from chat.models import Membership, User, onboarding
from tests.conftest import PASSWORD


@pytest.mark.parametrize("policy", ["open", "invite", "closed"])
def test_the_operators_first_account_is_the_admin_and_later_ones_join_general(make_app, policy):
    app = make_app(SIGNUP=policy)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["users", "create", "root", "--password", PASSWORD])
    assert first.exit_code == 0, first.output
    assert "root is the first account, so they are this site's admin" in first.output
    second = runner.invoke(args=["users", "create", "ben", "--password", PASSWORD])
    assert "ben joined #general." in second.output
    with app.app_context():
        general = onboarding.lobby_room()
        root, ben = User.named("root"), User.named("ben")
        assert (root.is_admin, ben.is_admin) == (True, False)
        assert Membership.of(general.id, root.id).is_owner and Membership.of(general.id, ben.id) is not None
        assert db.session.scalar(db.select(db.func.count()).select_from(Membership)) == 2
