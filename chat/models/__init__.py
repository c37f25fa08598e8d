"""The domain: users and their logins, rooms, memberships, invites, messages and the room's log."""
from chat.models.ban import Ban
from chat.models.invite import Invite
from chat.models.log import RoomEvent
from chat.models.membership import Membership
from chat.models.mention import Mention
from chat.models.message import Message
from chat.models.reaction import Reaction
from chat.models.room import Room
from chat.models import search  # noqa: F401,E402  (attaches the full-text index's DDL to messages)
from chat.models.token import AuthToken
from chat.models.upload import Upload
from chat.models.user import User
from chat.models.version import MessageVersion

__all__ = ["AuthToken", "Ban", "Invite", "Membership", "Mention", "Message", "MessageVersion", "Reaction", "Room", "RoomEvent",
           "Upload", "User"]
