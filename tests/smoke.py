"""The whole API story against a running server, using only the standard library.

    python3 tests/smoke.py http://127.0.0.1:8000

Signs up three people, makes a public and a private room, joins, invites,
posts 250 messages and pages through them both ways, retries a post by
client_id, checks that an outsider sees 404s and that bad input is refused
with nothing stored. Exits non-zero at the first check that fails.
"""
import json
import sys
import urllib.error
import urllib.request
import uuid

PASSWORD = "smoke-test-password-1"


class Client:
    def __init__(self, base, token=None):
        self.base, self.token = base.rstrip("/") + "/api/v1", token

    def call(self, method, path, body=None, *, raw=None, content_type="application/json"):
        """(status, decoded JSON or None)."""
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        request = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", content_type)
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, payload = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, payload = error.code, error.read()
        return status, (json.loads(payload) if payload else None)


def check(condition, what):
    if not condition:
        raise AssertionError(f"FAILED: {what}")
    print(f"ok   {what}")


def sign_up(base, name):
    status, body = Client(base).call("POST", "/users", {"username": name, "password": PASSWORD})
    check(status == 201 and body["user"]["username"] == name, f"sign up {name} (HTTP {status})")
    return Client(base, body["token"])


def pages(client, room_id, direction):
    """Every seq in the room, paging with `before` (backwards) or `after` (forwards)."""
    seqs, cursor = [], None if direction == "before" else 0
    while True:
        query = f"?limit=100&{direction}={cursor}" if cursor is not None else "?limit=100"
        status, page = client.call("GET", f"/rooms/{room_id}/messages{query}")
        assert status == 200, (status, page)
        batch = [m["seq"] for m in page["messages"]]
        seqs = batch + seqs if direction == "before" else seqs + batch
        if not page["has_more"]:
            return seqs
        cursor = batch[0] if direction == "before" else batch[-1]


def last_seq(client, room_id):
    return client.call("GET", f"/rooms/{room_id}")[1]["last_seq"]


def run(base):
    tag = uuid.uuid4().hex[:6]
    alice, bob, mallory = (sign_up(base, f"{name}_{tag}") for name in ("alice", "bob", "mallory"))

    status, lobby = alice.call("POST", "/rooms", {"name": f"lobby {tag}", "topic": "All hands"})
    check(status == 201 and lobby["role"] == "owner", "alice creates a public room")
    status, backstage = alice.call("POST", "/rooms", {"name": f"backstage {tag}", "private": True})
    check(status == 201 and backstage["private"], "alice creates a private room")
    check(bob.call("POST", f"/rooms/{lobby['id']}/members", {})[0] == 201, "bob joins the public room")
    status, _ = alice.call("POST", f"/rooms/{backstage['id']}/members", {"username": f"BOB_{tag}"})
    check(status == 201, "alice invites bob to the private room")
    check(bob.call("GET", f"/rooms/{backstage['id']}")[1]["member"], "bob is in the private room")

    check(last_seq(alice, lobby["id"]) == 1, "the room's log says bob joined")
    for i in range(250):
        status, message = (alice, bob)[i % 2].call("POST", f"/rooms/{lobby['id']}/messages", {"body": f"message {i + 1}"})
        assert status == 201 and message["seq"] == i + 2, (status, message)
    check(last_seq(alice, lobby["id"]) == 251, "250 messages posted, each given the next seq")
    check(pages(bob, lobby["id"], "before") == list(range(1, 252)), "paging back with before= returns 1..251")
    check(pages(bob, lobby["id"], "after") == list(range(1, 252)), "paging on with after= returns 1..251")

    post = {"body": "only once", "client_id": f"retry-{tag}"}
    first, again = (alice.call("POST", f"/rooms/{lobby['id']}/messages", post) for _ in range(2))
    check(first[0] == 201 and again[0] == 200 and first[1] == again[1], "a retried client_id returns the first message")
    check(last_seq(alice, lobby["id"]) == 252, "the retry stored nothing new")

    secret = backstage["id"]
    alice.call("POST", f"/rooms/{secret}/messages", {"body": "psst"})
    for method, path, body in (("GET", f"/rooms/{secret}", None), ("GET", f"/rooms/{secret}/messages", None),
                               ("POST", f"/rooms/{secret}/messages", {"body": "let me in"})):
        status, error = mallory.call(method, path, body)
        check(status == 404 and error["error"]["code"] == "room_not_found", f"outsider gets 404 on {method} {path}")
    check(last_seq(alice, secret) == 2, "the outsider's post was not stored")  # "alice added bob", "psst"

    bad = [("empty body", {"body": ""}, None), ("4,001 characters", {"body": "x" * 4001}, None),
           ("a NUL", {"body": "a\u0000b"}, None), ("not JSON", None, b"{nope"),
           ("a number for body", {"body": 5}, None), ("a list", ["hi"], None),
           ("a form body", None, b"body=hi")]
    for what, body, raw in bad:
        content_type = "application/x-www-form-urlencoded" if raw == b"body=hi" else "application/json"
        status, error = alice.call("POST", f"/rooms/{lobby['id']}/messages", body, raw=raw, content_type=content_type)
        check(400 <= status < 500 and error["error"]["code"], f"{what} is refused with {status} {error['error']['code']}")
    check(last_seq(alice, lobby["id"]) == 252, "no bad input was stored")
    conversation(alice, bob, mallory, lobby["id"], secret, tag)


def conversation(alice, bob, mallory, lobby, secret, tag):
    """Edit, delete, search and a DM, on the database the README's migrations built."""
    status, said = bob.call("POST", f"/rooms/{lobby}/messages", {"body": f"deploying zebra{tag} soon"})
    seq = said["seq"]
    status, edited = bob.call("PATCH", f"/rooms/{lobby}/messages/{seq}", {"body": f"deployed zebra{tag}"})
    check(status == 200 and edited["edited_at"] and edited["seq"] == seq, "bob edits his message in place")
    check(last_seq(bob, lobby) == seq + 1, "the edit took the room's next seq")
    status, found = alice.call("GET", f"/search?q=deploy+zebra{tag}")
    check(status == 200 and [r["message"]["seq"] for r in found["results"]] == [seq], "search finds it by its new text")
    check(mallory.call("GET", "/search?q=psst")[1]["results"] == [], "search never shows an outsider a private room")
    check(alice.call("DELETE", f"/rooms/{lobby}/messages/{seq}")[0] == 204, "the room's owner deletes it")
    check(alice.call("GET", f"/search?q=zebra{tag}")[1]["results"] == [], "a deleted message is never found")
    status, dm = alice.call("POST", "/dms", {"username": f"bob_{tag}"})
    again = bob.call("POST", "/dms", {"username": f"alice_{tag}"})[1]
    check(status == 201 and dm["direct"] and again["id"] == dm["id"], "alice and bob share one direct message")
    check(mallory.call("GET", f"/rooms/{dm['id']}")[0] == 404, "nobody else can see it")


if __name__ == "__main__":
    run(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
    print("smoke: every check passed")
