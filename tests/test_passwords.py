"""scrypt off the event loop: in a gevent worker, other greenlets (every stream the
worker serves) keep running while a password is hashed or checked."""
import subprocess
import sys

from tests.conftest import ROOT

# Another greenlet ticks every millisecond while a password is hashed, then checked:
# it counts the ticks each took. With scrypt on the loop itself it would count none.
WHILE_HASHING = """
from gevent import monkey; monkey.patch_all()
import gevent
from chat.models import passwords
ticks = []
def tick():
    while True:
        gevent.sleep(0.001)
        ticks.append(1)
gevent.spawn(tick)
gevent.sleep(0.01)
del ticks[:]
hashed = passwords.make("a long enough password", "scrypt:32768:8:1")
made = len(ticks)
del ticks[:]
right = passwords.matches(hashed, "a long enough password")
checked = len(ticks)
print(made, checked, right, passwords.matches(hashed, "the wrong password"))
"""


def test_streams_keep_running_while_a_gevent_worker_hashes_and_checks_a_password():
    out = subprocess.run([sys.executable, "-c", WHILE_HASHING], cwd=ROOT, capture_output=True, text=True,
                         timeout=60, check=True).stdout.split()
    made, checked, right, wrong = int(out[0]), int(out[1]), out[2], out[3]
    assert (right, wrong) == ("True", "False")
    assert made >= 3 and checked >= 3, (made, checked)
