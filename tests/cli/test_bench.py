"""`flask bench provision`: bench accounts in bulk, usable at once, never in production."""
import json

from chat import create_app
from chat.extensions import db
from chat.models import AuthToken, Membership, Room, User
from config import ProductionConfig


def provision(runner, tmp_path, *args):
    out = tmp_path / "manifest.json"
    result = runner.invoke(args=["bench", "provision", "--out", str(out), *args])
    return result, (json.loads(out.read_text()) if out.exists() else None)


def test_bulk_provisioning_makes_users_rooms_memberships_and_working_tokens(app, runner, client, tmp_path):
    result, manifest = provision(runner, tmp_path, "--users", "45", "--room-size", "20", "--big", "30")
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 45
        assert db.session.scalar(db.select(db.func.count()).select_from(AuthToken)) == 45
        assert db.session.scalar(db.select(db.func.count()).select_from(Membership)) == 45 + 30
    rooms = {name: (room_id, members) for room_id, name, members in manifest["rooms"]}
    assert {name: len(members) for name, (_, members) in rooms.items()} == {
        "bench room 0": 20, "bench room 1": 20, "bench room 2": 5, "bench big 30": 30}
    # The last user's token works on the API, in the rooms the manifest says.
    user_id, username, token = manifest["users"][44]
    assert username == "bench-44"
    response = client.get("/api/v1/rooms", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    joined = sorted(room["id"] for room in response.get_json()["rooms"] if room["member"])
    assert joined == [rooms["bench room 2"][0]]
    posted = client.post(f"/api/v1/rooms/{rooms['bench room 2'][0]}/messages", json={"body": "hello"},
                         headers={"Authorization": f"Bearer {token}"})
    assert posted.status_code == 201 and posted.get_json()["seq"] == 1
    with app.app_context():
        owner = Membership.of(rooms["bench big 30"][0], manifest["users"][0][0])
        assert owner.role == "owner"
        assert Room.latest_seqs([rooms["bench room 0"][0]]) == {rooms["bench room 0"][0]: 0}


def test_bench_accounts_share_one_password_that_logs_in(app, runner, tmp_path):
    result, manifest = provision(runner, tmp_path, "--users", "3", "--password", "a long bench password")
    assert result.exit_code == 0, result.output
    with app.app_context():
        hashes = set(db.session.scalars(db.select(User.password_hash)))
        assert len(hashes) == 1
        assert User.authenticate("bench-2", "a long bench password").id == manifest["users"][2][0]
        assert User.authenticate("bench-2", "wrong password here") is None


def test_provisioning_twice_with_one_prefix_is_refused_and_changes_nothing(app, runner, tmp_path):
    assert provision(runner, tmp_path, "--users", "5")[0].exit_code == 0
    again, _ = provision(runner, tmp_path, "--users", "5")
    assert again.exit_code == 1 and "already exists" in again.output
    other, _ = provision(runner, tmp_path, "--users", "5", "--prefix", "load-")
    assert other.exit_code == 0
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 10


def test_a_malformed_big_room_list_is_a_usage_error(runner, tmp_path):
    result, manifest = provision(runner, tmp_path, "--users", "5", "--big", "10,lots")
    assert result.exit_code == 2 and "comma-separated numbers" in result.output and manifest is None


def test_bench_provisioning_is_refused_in_production(database_uri, tmp_path):
    app = create_app(ProductionConfig, SECRET_KEY="k" * 40, SQLALCHEMY_DATABASE_URI=database_uri)
    result, manifest = provision(app.test_cli_runner(), tmp_path, "--users", "5")
    assert result.exit_code == 1 and "production" in result.output and manifest is None
