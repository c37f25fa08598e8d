"""The domain: users and their logins, rooms, memberships and messages."""
from chat.models.membership import Membership
from chat.models.message import Message
from chat.models.room import Room
from chat.models.token import AuthToken
from chat.models.user import User

__all__ = ["AuthToken", "Membership", "Message", "Room", "User"]
