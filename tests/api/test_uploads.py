"""Files and images: upload, then post; who may fetch them, how they are served, and every bad input.

Images are made with Pillow here; the polyglot, the bomb and the truncated image too."""
import io
import os
import re
import struct
import zlib

import pytest
from PIL import Image
from sqlalchemy import event
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from chat.extensions import db
from chat.models import Upload
from tests.api.conftest import response_validator
from tests.conftest import csrf_token, history, logged_in, remove, say


@pytest.fixture
def app_settings(tmp_path):
    return {"UPLOADS_DIR": str(tmp_path / "uploads")}


def image(format="PNG", size=(40, 30), color="red", mode="RGB", **options):
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, format, **options)
    return out.getvalue()


def pdf():
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(out, "PDF")
    return out.getvalue()


def send(api, who, room, data, name="cat.png", content_type="application/octet-stream"):
    """POST the file as multipart/form-data, encoded here in memory (the test client
    would spool a large body to a temporary file it never closes)."""
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), name, content_type=content_type)})
    return api.as_(who).post(f"/rooms/{room}/uploads", data=body,
                             content_type=f"multipart/form-data; boundary={boundary}")


def uploaded(api, who, room, data=None, name="cat.png"):
    response = send(api, who, room, image() if data is None else data, name)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["upload"]


def post(api, who, room, **payload):
    return api.as_(who).post(f"/rooms/{room}/messages", json=payload)


def stored_files(app):
    root = app.config["UPLOADS_DIR"]
    return sorted(os.path.relpath(os.path.join(folder, name), root)
                  for folder, _, names in os.walk(root) for name in names)


def rows(app):
    with app.app_context():
        return db.session.query(Upload).count()


def fetch(client, url, who=None, **kwargs):
    headers = kwargs.pop("headers", {})
    if who is not None:
        headers["Authorization"] = f"Bearer {who.token}"
    response = client.get(url, headers=headers, **kwargs)
    response.get_data()  # read it all, then close the file behind it
    response.close()
    return response


def test_an_uploaded_image_answers_201_with_its_sniffed_type_size_and_urls(app, api, alice, general):
    response = send(api, alice, general, image(size=(40, 30)), "cat.png", content_type="text/html")
    assert response.status_code == 201
    body = response.get_json()
    assert response_validator("/rooms/{room_id}/uploads", "post", 201).validate(body) is None
    upload = body["upload"]
    assert set(upload) == {"id", "name", "content_type", "size", "width", "height", "url", "thumbnail_url"}
    assert (upload["name"], upload["content_type"], upload["width"], upload["height"]) == ("cat.png", "image/png", 40, 30)
    assert upload["url"] == f"/rooms/{general}/uploads/{upload['id']}/cat.png"
    assert upload["thumbnail_url"] == f"/rooms/{general}/uploads/{upload['id']}/thumbnail/cat.png"
    assert upload["size"] == len(fetch(app.test_client(), upload["url"], alice).data)


def test_a_file_that_is_not_an_image_has_no_size_in_pixels_and_no_thumbnail(api, alice, general):
    upload = uploaded(api, alice, general, pdf(), "report.pdf")
    assert upload["content_type"] == "application/pdf"
    assert (upload["width"], upload["height"], upload["thumbnail_url"]) == (None, None, None)
    text = uploaded(api, alice, general, "plain words, ünïcode\n".encode(), "notes")
    assert text["content_type"] == "text/plain"


# Bytes that happen to begin with a short signature: random data does about once in a hundred.
LOOKALIKES = [
    ("bytes named .bin that start like a BMP", b"BM" + bytes(range(256)) * 8, "blob.bin", "application/octet-stream"),
    ("bytes named .bin that start like JSON", b'{"' + bytes(range(256)) * 8, "dump.bin", "application/octet-stream"),
    ("a PNG named .bin", image(), "picture.bin", "application/octet-stream"),
    ("text named .txt that starts like a BMP", b"BMW and Audi, notes on both\n", "cars.txt", "text/plain"),
    ("text named .txt that starts like a program", b"MZ: the initials of the author\n", "notes.txt", "text/plain"),
]


@pytest.mark.parametrize("what, data, name, content_type", LOOKALIKES, ids=[case[0] for case in LOOKALIKES])
def test_a_name_that_claims_no_type_or_text_is_never_called_a_lie_by_a_two_byte_signature(
        api, alice, general, what, data, name, content_type):
    assert uploaded(api, alice, general, data, name)["content_type"] == content_type


def test_a_file_over_the_app_wide_request_limit_but_under_max_upload_mb_is_accepted(api, alice, general):
    big = os.urandom(1024 * 1024)  # far over MAX_CONTENT_LENGTH (128 KiB), under 25 MB
    upload = uploaded(api, alice, general, big, "noise.bin")
    assert (upload["size"], upload["content_type"]) == (len(big), "application/octet-stream")


def noise(format="PNG", size=(200, 200)):
    """A picture of random pixels (it compresses badly, so half of it is half the pixels)."""
    out = io.BytesIO()
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(out, format)
    return out.getvalue()


def png_header(width, height):
    """A PNG that declares `width`×`height` and holds one tiny compressed row: a decompression bomb's header."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def polyglot():
    """A valid GIF that is also a web page: its comment holds HTML and script."""
    out = io.BytesIO()
    Image.new("P", (8, 8)).save(out, "GIF", comment=b"<html><body><script>alert(document.cookie)</script></body></html>")
    data = out.getvalue()
    assert Image.open(io.BytesIO(data)).size == (8, 8)  # Pillow reads it as a picture
    return data


BAD = [
    ("an empty file", lambda: b"", "empty.txt", "empty_file"),
    ("a PNG named as a PDF", lambda: image(), "report.pdf", "type_mismatch"),
    ("a JPEG named as a PNG", lambda: image("JPEG"), "cat.png", "type_mismatch"),
    ("text named as a JPEG", lambda: b"just some words\n", "photo.jpg", "type_mismatch"),
    ("a GIF+HTML polyglot", polyglot, "funny.gif", "polyglot"),
    ("a decompression bomb", lambda: png_header(100_000, 100_000), "bomb.png", "image_too_large"),
    ("a bomb within twice Pillow's limit (its warning)", lambda: png_header(10_000, 10_000), "warn.png",
     "image_too_large"),
    ("a truncated image", lambda: noise()[:len(noise()) // 2], "cut.png", "invalid_image"),
    ("a truncated JPEG", lambda: noise("JPEG")[:len(noise("JPEG")) // 2], "cut.jpg", "invalid_image"),
    ("a path as its name", lambda: b"root:x:0:0\n", "../../etc/passwd", "invalid_name"),
    ("a 10 KB name", lambda: b"words\n", "a" * 10_240 + ".txt", "name_too_long"),
    ("a NUL in its name", lambda: b"words\n", "evil\x00.txt", "invalid_name"),
    ("a control character in its name", lambda: b"words\n", "bell\x07.txt", "invalid_name"),
    ("a right-to-left override in its name", lambda: b"words\n", "photo\u202egnp.txt", "invalid_name"),
    ("no name at all", lambda: b"words\n", "", "missing_file"),
]


@pytest.mark.parametrize("what, data, name, code", BAD, ids=[case[0] for case in BAD])
def test_a_bad_upload_gets_a_clear_400_and_nothing_is_stored(app, api, alice, general, what, data, name, code):
    response = send(api, alice, general, data(), name)
    assert response.status_code == 400, response.get_json()
    assert response.get_json()["error"]["code"] == code
    assert response_validator("/rooms/{room_id}/uploads", "post", 400).validate(response.get_json()) is None
    assert rows(app) == 0 and stored_files(app) == []


def test_a_request_without_a_file_field_is_a_400(api, alice, general):
    response = api.as_(alice).post(f"/rooms/{general}/uploads", data={"other": "x"}, content_type="multipart/form-data")
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "missing_file"


def test_a_file_over_max_upload_mb_is_a_413_in_the_error_envelope_and_nothing_is_stored(app, api, alice, general):
    app.config["MAX_UPLOAD_MB"] = 0.05
    response = send(api, alice, general, os.urandom(60_000), "noise.bin")
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "file_too_large"
    assert response_validator("/rooms/{room_id}/uploads", "post", 413).validate(response.get_json()) is None
    huge = send(api, alice, general, os.urandom(1_200_000), "huge.bin")  # past the limit and the form's slack
    assert huge.status_code == 413 and huge.get_json()["error"]["code"] == "payload_too_large"
    assert rows(app) == 0 and stored_files(app) == []


def test_an_image_over_the_configured_pixel_limit_is_a_400(app, api, alice, general):
    app.config["MAX_IMAGE_PIXELS"] = 100
    response = send(api, alice, general, image(size=(20, 20)), "small.png")
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "image_too_large"
    assert "100" in response.get_json()["error"]["message"]
    assert uploaded(api, alice, general, image(size=(10, 10)), "tiny.png")["width"] == 10


def jpeg_with_location():
    """A photo taken sideways (EXIF orientation 6) at a place (EXIF GPS)."""
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° to show it upright
    exif[0x010F] = "CameraMaker"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (48.0, 51.0, 29.0), 3: "E", 4: (2.0, 17.0, 40.0)})
    out = io.BytesIO()
    Image.new("RGB", (60, 20), "blue").save(out, "JPEG", exif=exif)
    data = out.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)  # it does carry the location
    return data


def test_a_photo_comes_back_upright_and_without_its_exif_location(app, api, alice, general):
    upload = uploaded(api, alice, general, jpeg_with_location(), "holiday.jpg")
    assert (upload["width"], upload["height"]) == (20, 60)  # turned upright
    served = fetch(app.test_client(), upload["url"], alice)
    assert served.status_code == 200 and served.content_type == "image/jpeg"
    picture = Image.open(io.BytesIO(served.data))
    assert picture.size == (20, 60)
    assert dict(picture.getexif()) == {} and picture.getexif().get_ifd(0x8825) == {}
    assert b"Exif" not in served.data and b"CameraMaker" not in served.data


def test_a_large_image_gets_a_thumbnail_within_1200_by_800_and_a_small_one_is_its_own(app, api, alice, general):
    big = uploaded(api, alice, general, image("PNG", size=(2400, 1000), mode="RGBA", color=(0, 0, 255, 128)), "wide.png")
    thumb = fetch(app.test_client(), big["thumbnail_url"], alice)
    assert thumb.status_code == 200 and thumb.content_type == "image/png"  # transparency kept
    assert Image.open(io.BytesIO(thumb.data)).size == (1200, 500)
    photo = uploaded(api, alice, general, image("JPEG", size=(1000, 2000)), "tall.jpg")
    thumb = fetch(app.test_client(), photo["thumbnail_url"], alice)
    assert thumb.content_type == "image/jpeg" and Image.open(io.BytesIO(thumb.data)).size == (400, 800)
    small = uploaded(api, alice, general, image("GIF", size=(30, 30)), "small.gif")
    client = app.test_client()
    assert fetch(client, small["thumbnail_url"], alice).data == fetch(client, small["url"], alice).data


@pytest.mark.parametrize("format, name, content_type", [
    ("PNG", "a.png", "image/png"), ("JPEG", "a.jpeg", "image/jpeg"), ("GIF", "a.gif", "image/gif"),
    ("WEBP", "a.webp", "image/webp")])
def test_each_raster_format_is_an_image_served_inline(app, api, alice, general, format, name, content_type):
    upload = uploaded(api, alice, general, image(format), name)
    assert upload["content_type"] == content_type and upload["thumbnail_url"]
    served = fetch(app.test_client(), upload["url"], alice)
    assert served.content_type == content_type
    assert served.headers["Content-Disposition"].startswith("inline;")
    assert served.headers["X-Content-Type-Options"] == "nosniff"


SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


@pytest.mark.parametrize("data, name, content_type", [
    (SVG, "logo.svg", "image/svg+xml"), (HTML, "page.html", "text/html"), (None, "report.pdf", "application/pdf"),
    (b"a,b\n1,2\n", "table.csv", "text/plain")])
def test_anything_but_a_raster_image_is_served_as_an_attachment_with_nosniff(
        app, api, alice, general, data, name, content_type):
    upload = uploaded(api, alice, general, data or pdf(), name)
    assert upload["content_type"] == content_type and upload["thumbnail_url"] is None
    served = fetch(app.test_client(), upload["url"], alice)
    assert served.status_code == 200 and served.mimetype == content_type
    assert served.headers["Content-Disposition"] == f"attachment; filename=\"{name}\"; filename*=UTF-8''{name}"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served.headers["Content-Security-Policy"]
    assert fetch(app.test_client(), f"/rooms/{general}/uploads/{upload['id']}/thumbnail/x", alice).status_code == 404


def test_a_name_is_kept_for_display_and_sent_back_safely_in_the_header(app, api, alice, general):
    upload = uploaded(api, alice, general, b"words\n", 'Résumé (final) 100%.txt')
    assert upload["name"] == 'Résumé (final) 100%.txt'
    served = fetch(app.test_client(), upload["url"], alice)
    assert served.headers["Content-Disposition"] == (
        "attachment; filename=\"R_sum_ (final) 100_.txt\"; "
        "filename*=UTF-8''R%C3%A9sum%C3%A9%20%28final%29%20100%25.txt")


def test_a_message_carries_its_attachments_and_its_body_may_be_empty(app, api, alice, bob, general):
    first, second = uploaded(api, alice, general), uploaded(api, alice, general, pdf(), "report.pdf")
    response = post(api, alice, general, body="", attachments=[second["id"], first["id"]])
    assert response.status_code == 201, response.get_json()
    message = response.get_json()
    assert response_validator("/rooms/{room_id}/messages", "post", 201).validate(message) is None
    assert message["body"] == "" and message["attachments"] == [first, second]
    assert history(api, bob, general)[-1]["attachments"] == [first, second]
    shown = api.as_(bob).get(f"/rooms/{general}/messages/{message['seq']}").get_json()
    assert shown["attachments"] == [first, second]
    third = uploaded(api, alice, general)
    assert post(api, alice, general, attachments=[third["id"]]).status_code == 201  # no body at all
    assert say(api, alice, general, "plain")["attachments"] == []


@pytest.mark.parametrize("payload", [{"body": ""}, {}, {"body": "  "}, {"body": "", "attachments": []}])
def test_without_attachments_an_empty_body_is_still_a_400(api, alice, general, payload):
    response = post(api, alice, general, **payload)
    assert response.status_code == 400


def test_a_post_may_only_claim_the_callers_own_unposted_uploads_in_that_room(app, api, alice, bob, general, secret):
    bobs = uploaded(api, bob, general)
    elsewhere = uploaded(api, alice, secret)
    posted = uploaded(api, alice, general)
    assert post(api, alice, general, body="first", attachments=[posted["id"]]).status_code == 201
    mine = uploaded(api, alice, general)
    before = history(api, alice, general)
    for ids in ([bobs["id"]], [elsewhere["id"]], [posted["id"]], [mine["id"], 999_999]):
        response = post(api, alice, general, body="look", attachments=ids)
        assert response.status_code == 400, ids
        assert response.get_json()["error"]["code"] == "invalid_attachment"
    assert history(api, alice, general) == before  # nothing posted, no seq taken
    assert post(api, alice, general, body="now", attachments=[mine["id"]]).status_code == 201


@pytest.mark.parametrize("attachments, code", [
    ("not a list", "invalid_field"), (["1"], "invalid_field"), ([True], "invalid_field"),
    (list(range(1, 12)), "too_many_attachments")])
def test_malformed_or_too_many_attachments_are_a_400(api, alice, general, attachments, code):
    response = post(api, alice, general, body="hi", attachments=attachments)
    assert response.status_code == 400 and response.get_json()["error"]["code"] == code


def test_eleven_real_uploads_are_one_too_many_and_ten_are_fine(api, alice, general):
    ids = [uploaded(api, alice, general, image(size=(4, 4)), f"{n}.png")["id"] for n in range(11)]
    response = post(api, alice, general, attachments=ids)
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "too_many_attachments"
    assert len(post(api, alice, general, attachments=ids[:10]).get_json()["attachments"]) == 10


def test_only_the_rooms_members_fetch_a_posted_file_and_anyone_else_gets_404(
        app, api, alice, bob, mallory, general, secret):
    upload = uploaded(api, alice, general)
    client = app.test_client()
    assert fetch(client, upload["url"], alice).status_code == 200  # unposted: its uploader only
    assert fetch(client, upload["url"], bob).status_code == 404
    post(api, alice, general, attachments=[upload["id"]])
    assert fetch(client, upload["url"], bob).status_code == 200
    assert fetch(client, upload["thumbnail_url"], bob).status_code == 200
    assert fetch(client, upload["url"], mallory).status_code == 404  # a public room he has not joined
    hidden = uploaded(api, alice, secret)
    post(api, alice, secret, attachments=[hidden["id"]])
    assert fetch(client, hidden["url"], bob).status_code == 404
    wrong_room = hidden["url"].replace(f"/rooms/{secret}/", f"/rooms/{general}/")
    assert fetch(client, wrong_room, bob).status_code == 404
    assert client.get(upload["url"]).status_code == 302  # no login: off to the login page


def test_a_browser_session_fetches_a_file_with_its_cookie(app, api, alice, bob, general):
    upload = uploaded(api, alice, general)
    post(api, alice, general, attachments=[upload["id"]])
    browser = logged_in(app, bob)
    assert fetch(browser, upload["url"]).status_code == 200
    assert fetch(browser, upload["thumbnail_url"]).status_code == 200


def test_ranges_are_served_partially_and_a_bad_range_is_a_416(app, api, alice, general):
    data = os.urandom(5000)
    upload = uploaded(api, alice, general, data, "blob.bin")
    client = app.test_client()
    part = fetch(client, upload["url"], alice, headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.data == data[100:200]
    assert part.headers["Content-Range"] == "bytes 100-199/5000"
    assert fetch(client, upload["url"], alice, headers={"Range": "bytes=9000-9999"}).status_code == 416
    whole = fetch(client, upload["url"], alice)
    assert whole.headers["Accept-Ranges"] == "bytes" and whole.data == data
    again = fetch(client, upload["url"], alice, headers={"If-None-Match": whole.headers["ETag"]})
    assert again.status_code == 304


def test_deleting_a_message_removes_its_files_for_everyone(app, api, alice, bob, general):
    image_upload = uploaded(api, alice, general, image(size=(1600, 900)), "big.png")
    document = uploaded(api, alice, general, pdf(), "report.pdf")
    message = post(api, alice, general, body="files", attachments=[image_upload["id"], document["id"]]).get_json()
    assert len(stored_files(app)) == 3  # the image, its thumbnail and the PDF
    assert remove(api, alice, general, message["seq"]).status_code == 204
    client = app.test_client()
    for who in (alice, bob):
        for url in (image_upload["url"], image_upload["thumbnail_url"], document["url"]):
            assert fetch(client, url, who).status_code == 404
    assert history(api, bob, general)[-1]["attachments"] == []
    assert rows(app) == 0 and stored_files(app) == []


def test_the_plain_form_posts_a_file_without_javascript(app, alice, bob, general):
    browser = logged_in(app, alice)
    page = f"/rooms/{general}"
    response = browser.post(f"/rooms/{general}/messages", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(browser, page), "body": "the report", "client_id": "form-1",
        "file": (io.BytesIO(pdf()), "report.pdf", "application/pdf")})
    assert response.status_code == 302
    shown = browser.get(page).get_data(as_text=True)
    assert 'class="attachment file"' in shown and "report.pdf" in shown
    with app.app_context():
        upload = db.session.query(Upload).one()
        assert upload.message_id is not None and upload.name == "report.pdf"


def test_the_plain_form_shows_a_refused_file_beside_the_field(app, alice, general):
    browser = logged_in(app, alice)
    page = f"/rooms/{general}"
    response = browser.post(f"/rooms/{general}/messages", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(browser, page), "body": "", "client_id": "form-2",
        "file": (io.BytesIO(image()), "cat.pdf", "application/pdf")})
    assert response.status_code == 400
    assert "do not match its name" in response.get_data(as_text=True)
    assert rows(app) == 0


class Statements:
    """The SQL the app runs while in use (a context manager)."""

    def __init__(self, app):
        self.app, self.seen = app, []

    def record(self, conn, cursor, statement, *args):
        self.seen.append(" ".join(statement.split()))

    def __enter__(self):
        with self.app.app_context():
            self.engine = db.engine
        event.listen(self.engine, "before_cursor_execute", self.record)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self.record)

    def on_uploads(self):
        return [s for s in self.seen if re.search(r"\bFROM uploads\b|\bUPDATE uploads\b", s)]


def test_a_plain_post_never_reads_uploads_and_one_with_files_claims_them_in_one_select(app, api, alice, general):
    files = [uploaded(api, alice, general)["id"] for _ in range(3)]
    with Statements(app) as plain:
        say(api, alice, general, "no files")
    assert plain.on_uploads() == []
    with Statements(app) as attached:
        assert post(api, alice, general, body="three", attachments=files).status_code == 201
    assert [s.split()[0] for s in attached.on_uploads()] == ["SELECT", "UPDATE"]


def test_a_history_page_loads_every_messages_files_in_one_query(app, api, alice, general):
    for n in range(12):
        post(api, alice, general, body=f"file {n}", attachments=[uploaded(api, alice, general, name=f"{n}.png")["id"]])
    with Statements(app) as page:
        shown = history(api, alice, general)
    assert len(shown) == 12 and all(len(m["attachments"]) == 1 for m in shown)
    assert len([s for s in page.on_uploads() if s.startswith("SELECT")]) == 1
