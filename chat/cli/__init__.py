"""Operator commands: `flask users ...`, `flask rooms ...`, `flask demo`, `flask bench ...`, `flask messages ...`."""
from chat.cli.bench import bench
from chat.cli.demo import load_demo
from chat.cli.messages import messages
from chat.cli.rooms import rooms
from chat.cli.uploads import uploads
from chat.cli.users import users

COMMANDS = (users, rooms, load_demo, bench, uploads, messages)
