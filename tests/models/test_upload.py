"""The storage contract, as LocalStorage keeps it (chat/storage.py), and the upload's name rules."""
import io
import os

import pytest

from chat.errors import Problem
from chat.models.upload import clean_name
from chat.storage import CHUNK, LocalStorage, new_key


class Trickle(io.RawIOBase):
    """A stream that hands out at most one chunk per read and counts the reads."""

    def __init__(self, size):
        self.left, self.reads = size, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        self.reads += 1
        n = min(len(buffer), self.left, CHUNK)
        buffer[:n] = b"x" * n
        self.left -= n
        return n


def test_a_file_is_saved_in_chunks_under_a_random_key_and_read_back(tmp_path):
    store = LocalStorage(tmp_path)
    key = new_key(".png")
    stream = Trickle(5 * CHUNK + 10)
    assert store.save(key, stream) == 5 * CHUNK + 10
    assert stream.reads > 5  # copied a chunk at a time, never read whole
    assert store.size(key) == 5 * CHUNK + 10
    with store.open(key) as file:
        assert file.read(3) == b"xxx"
    assert store.path(key) == os.path.join(tmp_path, key) and key != new_key(".png")
    assert store.internal_path(key) is None
    assert LocalStorage(tmp_path, "/internal-uploads/").internal_path(key) == "/internal-uploads/" + key


def test_deleting_twice_is_fine_and_a_deleted_key_is_gone(tmp_path):
    store = LocalStorage(tmp_path)
    key = new_key()
    store.save(key, io.BytesIO(b"data"))
    store.delete(key)
    store.delete(key)
    with pytest.raises(FileNotFoundError):
        store.open(key)


def test_a_failed_save_leaves_nothing_behind(tmp_path):
    class Broken(io.RawIOBase):
        def readable(self):
            return True

        def readinto(self, buffer):
            raise OSError("the client went away")

    store = LocalStorage(tmp_path)
    with pytest.raises(OSError):
        store.save(new_key(), Broken())
    assert [name for _, _, names in os.walk(tmp_path) for name in names] == []


@pytest.mark.parametrize("key", ["../../etc/passwd", "ab/../../x", "/etc/passwd", "AB/" + "0" * 32, "cat.png"])
def test_only_a_generated_key_is_ever_a_path(tmp_path, key):
    with pytest.raises(ValueError):
        LocalStorage(tmp_path).path(key)


@pytest.mark.parametrize("name, cleaned", [("  report.pdf ", "report.pdf"), ("e\u0301te.txt", "\u00e9te.txt"),
                                           ("Ünïcödé 🐱.png", "Ünïcödé 🐱.png")])
def test_a_name_is_trimmed_and_normalised_for_display(name, cleaned):
    assert clean_name(name) == cleaned


@pytest.mark.parametrize("name", ["../../etc/passwd", "a/b", "a\\b", "..", ".", "nul\x00.txt", "tab\t.txt",
                                  "del\x7f.txt", "x" * 256, "spoof\u202egnp.exe", ""])
def test_a_path_a_control_character_or_a_long_name_is_refused(name):
    with pytest.raises(Problem) as refused:
        clean_name(name)
    assert refused.value.status == 400
