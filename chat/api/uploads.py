"""Files for a room's messages: uploaded first, then posted with `attachments`."""
from flask import g, request
from flask_login import current_user

from chat.api import bp
from chat.models import Upload
from chat.scope import MEMBER, needs
from chat.storage import takes_files


@bp.post("/rooms/<id:room_id>/uploads")
@needs(MEMBER)
@takes_files
def create_upload():
    """multipart/form-data with the file in `file`: checked and stored, unposted
    until a message claims it (unposted ones are swept after a day)."""
    upload = Upload.store(g.room, current_user, request.files.get("file"))
    return {"upload": upload.to_json()}, 201
