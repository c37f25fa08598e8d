"""deploy/nginx/chat.conf in front of gunicorn: the app checks who may fetch an
upload and answers with X-Accel-Redirect; nginx sends the bytes, with the
app's type and disposition, nosniff, and ranges."""
import io
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests import smoke
from tests.conftest import PASSWORD, ROOT
from tests.live import free_port, serving
from tests.services import unavailable

pytestmark = pytest.mark.live
NGINX = os.environ.get("NGINX", "/usr/sbin/nginx")
PREFIX = "/internal-uploads/"


@pytest.fixture
def site(tmp_path):
    """gunicorn behind nginx (the sample configuration); yields (nginx's base URL, gunicorn's, uploads folder)."""
    if not os.access(NGINX, os.X_OK):
        unavailable(f"needs nginx at {NGINX}: apt-get install -y nginx")
    uploads = tmp_path / "uploads"
    with serving(f"sqlite:///{tmp_path / 'chat.sqlite3'}", tmp_path, UPLOADS_DIR=str(uploads),
                 UPLOADS_ACCEL_REDIRECT=PREFIX) as app_server:
        port = free_port()
        with open(os.path.join(ROOT, "deploy", "nginx", "chat.conf"), encoding="utf-8") as file:
            server_block = (file.read().replace("127.0.0.1:8080", f"127.0.0.1:{port}")
                            .replace("http://127.0.0.1:8000", app_server.base)
                            .replace("/srv/chat/instance/uploads/", f"{uploads}/"))
        temp = " ".join(f"{kind}_temp_path {tmp_path / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        conf = tmp_path / "nginx.conf"
        # One process, as whoever runs the tests: a root master would hand requests to
        # workers as "nobody", who may not read the test's files.
        conf.write_text(f"daemon off;\nmaster_process off;\npid {tmp_path / 'nginx.pid'};\n"
                        f"error_log {tmp_path / 'nginx-error.log'};\nevents {{ worker_connections 64; }}\n"
                        f"http {{ access_log off; default_type application/octet-stream; {temp}\n{server_block}\n}}\n")
        nginx = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(conf), "-e", str(tmp_path / "nginx-error.log")],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        try:
            wait_for_port(port, nginx, tmp_path)
            yield f"http://127.0.0.1:{port}", app_server.base, uploads
        finally:
            nginx.terminate()
            nginx.wait(timeout=10)


def wait_for_port(port, process, tmp_path):
    for _ in range(100):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        if process.poll() is not None:
            break
        time.sleep(0.05)
    pytest.fail("nginx did not start: " + (tmp_path / "nginx-error.log").read_text())


def get(url, token=None, **headers):
    """(status, headers, body) of a GET."""
    request = urllib.request.Request(url, headers=headers)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def person(base, name):
    client = smoke.Client(base)
    assert client.call("POST", "/users", {"username": name, "password": PASSWORD})[0] == 201
    status, body = client.call("POST", "/tokens", {"username": name, "password": PASSWORD})
    assert status == 201
    return smoke.Client(base, body["token"])


def upload(client, room, data, name):
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), name)})
    status, answer = client.call("POST", f"/rooms/{room}/uploads", raw=body,
                                 content_type=f"multipart/form-data; boundary={boundary}")
    assert status == 201, answer
    return answer["upload"]


def test_nginx_sends_the_file_the_app_allows_with_its_headers_and_ranges(site):
    base, app_base, uploads = site
    alice, bob, mallory = person(base, "operator"), person(base, "bob"), person(base, "mallory")
    room = alice.call("POST", "/rooms", {"name": "files"})[1]["id"]
    assert bob.call("POST", f"/rooms/{room}/members", {})[0] == 201
    out = io.BytesIO()
    Image.effect_noise((300, 200), 40).convert("RGB").save(out, "PNG")
    picture = upload(alice, room, out.getvalue(), "noise.png")
    report = upload(alice, room, b"%PDF-1.4\n" + os.urandom(20_000) + b"\n%%EOF\n", "report.pdf")
    assert alice.call("POST", f"/rooms/{room}/messages", {"attachments": [picture["id"], report["id"]]})[0] == 201

    status, headers, body = get(base + picture["url"], bob.token)
    assert status == 200 and len(body) == picture["size"]
    assert body == next(path.read_bytes() for path in uploads.rglob("*.png"))
    assert headers["Content-Type"] == "image/png"
    assert headers["Content-Disposition"] == "inline; filename=\"noise.png\"; filename*=UTF-8''noise.png"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "X-Accel-Redirect" not in headers

    status, headers, body = get(base + report["url"], bob.token, Range="bytes=10-19")
    assert status == 206 and len(body) == 10
    assert headers["Content-Range"] == f"bytes 10-19/{report['size']}"
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"].startswith("attachment;")
    assert headers["X-Content-Type-Options"] == "nosniff"

    status, headers, body = get(app_base + report["url"], bob.token)  # gunicorn itself only points nginx at it
    assert status == 200 and body == b"" and headers["X-Accel-Redirect"].startswith(PREFIX)
    assert get(base + headers["X-Accel-Redirect"], bob.token)[0] == 404  # the internal location is not public
    assert get(base + report["url"], mallory.token)[0] == 404
