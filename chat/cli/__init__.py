"""Operator commands: `flask users ...`, `flask rooms ...`, `flask demo`, `flask bench ...`."""
from chat.cli.bench import bench
from chat.cli.demo import load_demo
from chat.cli.rooms import rooms
from chat.cli.users import users

COMMANDS = (users, rooms, load_demo, bench)
