"""Arriving: the first account runs the site, everyone meets in #general, and an
invite link lets in exactly as many people as it says, on both databases."""
from datetime import timedelta

import pytest

from chat.errors import Problem
from chat.extensions import db
from chat.models import Invite, Membership, Room, User, onboarding
from chat.models.types import utcnow
from tests.conftest import PASSWORD


def rooms_of(user):
    return sorted(m.room.name for m in db.session.scalars(
        db.select(Membership).where(Membership.user_id == user.id)))


def test_the_first_account_becomes_the_admin_and_makes_general_which_it_owns(app):
    with app.app_context():
        arrival = onboarding.sign_up("ann", PASSWORD)
        general = onboarding.lobby_room()
        assert (arrival.first, arrival.user.is_admin, arrival.lobby) == (True, True, general)
        assert (general.name, general.private) == ("general", False)
        assert Membership.of(general.id, arrival.user.id).is_owner
        assert "first account" in arrival.notes()[0]


def test_every_later_account_joins_general_as_an_ordinary_member(app):
    with app.app_context():
        onboarding.sign_up("ann", PASSWORD)
        arrival = onboarding.sign_up("ben", PASSWORD)
        assert (arrival.first, arrival.user.is_admin) == (False, False)
        assert rooms_of(arrival.user) == ["general"]
        assert not Membership.of(arrival.lobby.id, arrival.user.id).is_owner
        assert arrival.notes() == ["You joined #general."]
        assert db.session.scalar(db.select(db.func.count()).select_from(Room)) == 1


def test_accounts_made_plainly_before_do_not_make_a_later_sign_up_the_first(app, alice):
    with app.app_context():
        arrival = onboarding.sign_up("ann", PASSWORD)
        assert (arrival.first, arrival.user.is_admin, arrival.lobby) == (False, False, None)
        assert arrival.notes() == []


def test_a_renamed_general_is_no_longer_joined_and_no_second_one_is_made(app):
    with app.app_context():
        first = onboarding.sign_up("ann", PASSWORD)
        first.lobby.name = "lobby"
        db.session.commit()
        later = onboarding.sign_up("ben", PASSWORD)
        assert later.lobby is None and rooms_of(later.user) == []


@pytest.mark.parametrize("policy, code", [("invite", "invite_required"), ("closed", "signup_closed")])
def test_a_sign_up_the_policy_refuses_makes_no_account(make_app, policy, code):
    app = make_app(SIGNUP=policy)
    with app.app_context():
        with pytest.raises(Problem) as refused:
            onboarding.sign_up("ann", PASSWORD)
        assert (refused.value.status, refused.value.code) == (403, code)
        assert User.named("ann") is None


@pytest.fixture
def link(app, alice, secret):
    """An invite into alice's private room, for two people."""
    with app.app_context():
        return Invite.make(db.session.get(Room, secret), db.session.get(User, alice.id), max_uses=2).token


def test_an_invite_lets_a_new_person_sign_up_into_its_room_under_the_invite_policy(make_app, link, secret):
    app = make_app(SIGNUP="invite")
    with app.app_context():
        arrival = onboarding.sign_up("ann", PASSWORD, Invite.usable(link))
        assert arrival.room.id == secret and rooms_of(arrival.user) == ["secret"]
        assert Invite.from_token(link).uses == 1


def test_an_invite_makes_no_account_when_sign_up_is_closed(make_app, link):
    app = make_app(SIGNUP="closed")
    with app.app_context():
        with pytest.raises(Problem, match="not taking new accounts"):
            onboarding.sign_up("ann", PASSWORD, Invite.usable(link))
        assert User.named("ann") is None and Invite.from_token(link).uses == 0


def test_a_refused_sign_up_gives_its_use_back_and_a_used_up_link_refuses_the_next(app, link):
    with app.app_context():
        with pytest.raises(Problem, match="taken"):
            onboarding.sign_up("alice", PASSWORD, Invite.usable(link))
        assert Invite.from_token(link).uses == 0
        onboarding.sign_up("ann", PASSWORD, Invite.usable(link))
        invite = Invite.usable(link)  # one use left, then none
        onboarding.sign_up("ben", PASSWORD, invite)
        with pytest.raises(Problem) as refused:
            onboarding.sign_up("cat", PASSWORD, invite)  # held from before it ran out
        assert (refused.value.status, refused.value.code) == (410, "invite_used_up")
        assert User.named("cat") is None and Invite.from_token(link).uses == 2


def test_an_existing_member_accepting_an_invite_uses_nothing(app, alice, link, secret):
    with app.app_context():
        invite = Invite.usable(link)
        _, created = invite.accept(db.session.get(User, alice.id))
        assert not created and Invite.from_token(link).uses == 0


@pytest.mark.parametrize("spoil, code", [
    (lambda invite: setattr(invite, "expires_at", utcnow() - timedelta(seconds=1)), "invite_expired"),
    (lambda invite: setattr(invite, "revoked_at", utcnow()), "invite_revoked"),
])
def test_an_expired_or_revoked_invite_is_gone(app, link, spoil, code):
    with app.app_context():
        spoil(Invite.from_token(link))
        db.session.commit()
        with pytest.raises(Problem) as refused:
            Invite.usable(link)
        assert (refused.value.status, refused.value.code) == (410, code)


@pytest.mark.parametrize("token", ["", "1", "MQ.forged-signature", "not a token at all"])
def test_a_forged_or_unknown_token_is_not_found(app, link, token):
    with app.app_context():
        with pytest.raises(Problem) as refused:
            Invite.usable(token)
        assert (refused.value.status, refused.value.code) == (404, "invite_not_found")


def test_a_token_signed_with_another_secret_is_not_found(make_app, link):
    other = make_app(SECRET_KEY="another-secret-key-for-another-site")
    with other.app_context():
        with pytest.raises(Problem, match="not valid"):
            Invite.usable(link)


def test_the_landing_room_is_the_last_one_opened_while_still_a_member(app, alice, general):
    with app.app_context():
        user = db.session.get(User, alice.id)
        assert onboarding.landing_room(user) is None
        user.opened(general)
        assert onboarding.landing_room(user) == general
        Membership.of(general, alice.id).leave()
        assert onboarding.landing_room(db.session.get(User, alice.id)) is None
