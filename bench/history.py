"""S6: what a history page costs: 50 messages, with reactions, attachments and replies.

Seeds one room of 20 through the public API as people would fill it: 50
messages, Markdown in each, every fifth with an image and every tenth with a
PDF, every seventh a reply, and three reactions on each. Then one client reads
`GET /api/v1/rooms/{id}/messages?limit=50` over a kept-alive connection, and
`concurrency` clients read it at once, and the scenario reports the latency and
the pages per second. Against a server without uploads or reactions (the code
before issue 14) it seeds what that server has, plain messages, so the two
can be run side by side. Every page read is checked: 50 messages, with exactly
the reactions and attachments that were seeded.
"""
import http.client
import io
import json
import threading
import time
import uuid
from urllib.parse import quote

from bench.scenarios import ms, percentile

MESSAGES = 50
REACTIONS = ("👍", "🎉", "👀")


class Api:
    """One kept-alive connection with a bearer token."""

    def __init__(self, port, token):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}

    def call(self, method, path, payload=None, body=None, content_type=None):
        headers = dict(self.headers)
        if payload is not None:
            body, content_type = json.dumps(payload).encode(), "application/json"
        if content_type:
            headers["Content-Type"] = content_type
        self.connection.request(method, "/api/v1" + path, body=body, headers=headers)
        response = self.connection.getresponse()
        data = response.read()
        return response.status, (json.loads(data) if data else None)

    def upload(self, room_id, name, content, content_type):
        boundary = uuid.uuid4().hex
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
                f"Content-Type: {content_type}\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
        return self.call("POST", f"/rooms/{room_id}/uploads", body=body,
                         content_type=f"multipart/form-data; boundary={boundary}")

    def close(self):
        self.connection.close()


def png():
    from PIL import Image  # a runtime dependency since issue 14; the old code's bench never calls this
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (30, 120, 200)).save(out, "PNG")
    return out.getvalue()


PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
       b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")


def seed(app):
    """Fill the first room of 20; returns (room id, what each page must hold)."""
    room_id, _, members = next(room for room in app.manifest["rooms"] if room[1].startswith("bench room "))
    apis = [Api(app.port, app.token(index)) for index in members[:4]]
    rich = apis[0].upload(room_id, "probe.png", png(), "image/png")[0] == 201
    expected = {"messages": MESSAGES, "reactions": 0, "attachments": 0, "replies": 0, "rich": rich}
    last = None
    for i in range(MESSAGES):
        author = apis[i % len(apis)]
        post = {"body": f"message {i}: **bold**, `code` and a link https://example.com/{i}", "client_id": f"s6-{i}"}
        if rich:
            attachments = []
            if i % 5 == 0:
                attachments.append(author.upload(room_id, f"shot-{i}.png", png(), "image/png")[1]["upload"]["id"])
            if i % 10 == 3:
                attachments.append(author.upload(room_id, f"notes-{i}.pdf", PDF, "application/pdf")[1]["upload"]["id"])
            if attachments:
                post["attachments"] = attachments
                expected["attachments"] += len(attachments)
            if i % 7 == 6 and last is not None:
                post["reply_to"] = last
                expected["replies"] += 1
        status, message = author.call("POST", f"/rooms/{room_id}/messages", post)
        if status != 201:
            raise RuntimeError(f"S6: seeding message {i} got {status}: {message}")
        last = message["seq"]
        if rich:
            for reactor, emoji in zip(apis[1:], REACTIONS):
                status, _ = reactor.call("PUT", f"/rooms/{room_id}/messages/{last}/reactions/{quote(emoji)}")
                if status not in (200, 204):
                    raise RuntimeError(f"S6: reacting got {status}")
                expected["reactions"] += 1
    for api in apis:
        api.close()
    return room_id, expected


def wrong_page(page, expected):
    """What is wrong with a page read, or None."""
    messages = page["messages"]
    if len(messages) != expected["messages"]:
        return f"{len(messages)} messages, not {expected['messages']}"
    if expected["rich"]:
        got = {"reactions": sum(r["count"] for m in messages for r in m["reactions"]),
               "attachments": sum(len(m["attachments"]) for m in messages),
               "replies": sum(m["reply_to"] is not None for m in messages)}
        if any(got[key] != expected[key] for key in got):
            return f"the page holds {got}, not what was seeded: {expected}"
    return None


def read(app, token, path, expected, stop, times, wrong):
    api = Api(app.port, token)
    try:
        while not stop():
            started = time.perf_counter()
            status, page = api.call("GET", path)
            times.append(time.perf_counter() - started)
            problem = f"status {status}" if status != 200 else wrong_page(page, expected)
            if problem:
                wrong.append(problem)
    finally:
        api.close()


def history_page(app, reads, duration, concurrency):
    """S6: `reads` sequential page loads, then `concurrency` readers for `duration` seconds."""
    room_id, expected = seed(app)
    path = f"/rooms/{room_id}/messages?limit={MESSAGES}"
    members = next(room for room in app.manifest["rooms"] if room[0] == room_id)[2]
    one, wrong = [], []
    read(app, app.token(members[0]), path, expected, lambda: len(one) >= reads, one, wrong)
    many, deadline = [], time.monotonic() + duration
    threads = [threading.Thread(target=read, args=(app, app.token(members[i % len(members)]), path, expected,
                                                   lambda: time.monotonic() > deadline, many, wrong))
               for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    figures = {"seeded": expected, "reads": len(one), "p50_ms": ms(percentile(one, 50) * 1000),
               "p99_ms": ms(percentile(one, 99) * 1000), "concurrency": concurrency,
               "pages_per_s": round(len(many) / duration), "concurrent_p99_ms": ms(percentile(many, 99) * 1000),
               "wrong": sorted(set(wrong))[:5], "wrong_reads": len(wrong)}
    what = ("with {reactions} reactions, {attachments} attachments, {replies} replies".format(**expected)
            if expected["rich"] else "plain (no reactions or uploads on this server)")
    summary = (f"50-message page {what}: p50 {figures['p50_ms']} ms, p99 {figures['p99_ms']} ms alone; "
               f"{figures['pages_per_s']:,} pages/s with {concurrency} readers (p99 {figures['concurrent_p99_ms']} ms)")
    return {"figures": figures, "summary": summary}
