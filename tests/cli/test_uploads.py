"""`flask uploads cleanup`: unposted uploads older than a day go, rows and files; posted ones and fresh ones stay."""
import io
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import update

from chat.extensions import db
from chat.models import Upload
from chat.models.types import utcnow
from tests.api.test_uploads import stored_files, uploaded


@pytest.fixture
def app_settings(tmp_path):
    return {"UPLOADS_DIR": str(tmp_path / "uploads")}


def big_png():
    out = io.BytesIO()
    Image.new("RGB", (1600, 900), "green").save(out, "PNG")
    return out.getvalue()


def age(app, upload_id, hours):
    with app.app_context():
        db.session.execute(update(Upload).where(Upload.id == upload_id).values(
            created_at=utcnow() - timedelta(hours=hours)))
        db.session.commit()


def remaining(app):
    with app.app_context():
        return sorted(db.session.scalars(db.select(Upload.name)).all())


def test_cleanup_removes_unposted_uploads_older_than_a_day_with_their_files(app, api, runner, alice, general):
    stale = uploaded(api, alice, general, big_png(), "stale.png")  # a file and a thumbnail
    fresh = uploaded(api, alice, general, name="fresh.png")
    posted = uploaded(api, alice, general, name="posted.png")
    assert api.as_(alice).post(f"/rooms/{general}/messages", json={"attachments": [posted["id"]]}).status_code == 201
    for upload in (stale, posted):
        age(app, upload["id"], 25)
    age(app, fresh["id"], 23)
    assert len(stored_files(app)) == 4
    result = runner.invoke(args=["uploads", "cleanup"])
    assert result.exit_code == 0, result.output
    assert result.output == "Removed 1 unposted upload older than 24 hours.\n"
    assert remaining(app) == ["fresh.png", "posted.png"]
    assert len(stored_files(app)) == 2


def test_older_than_takes_hours_and_a_second_run_finds_nothing(app, api, runner, alice, general):
    upload = uploaded(api, alice, general, name="recent.png")
    age(app, upload["id"], 2)
    assert runner.invoke(args=["uploads", "cleanup", "--older-than", "3"]).output.startswith("Removed 0 ")
    result = runner.invoke(args=["uploads", "cleanup", "--older-than", "1"])
    assert result.output == "Removed 1 unposted upload older than 1 hours.\n"
    assert remaining(app) == [] and stored_files(app) == []
    assert runner.invoke(args=["uploads", "cleanup", "--older-than", "1"]).output.startswith("Removed 0 unposted uploads")
    assert runner.invoke(args=["uploads", "cleanup", "--older-than", "-1"]).exit_code == 2
