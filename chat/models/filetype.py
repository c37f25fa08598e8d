"""What a file is, read from its bytes: never from its name or the client's header.

puremagic reads the signatures; a name's extension is only checked against
them, so a file whose extension claims another type is refused. A file that is
two things at once (an image with HTML inside, the classic GIF+HTML polyglot)
is refused too: with nosniff and our Content-Types no browser would run it, but
nothing is gained by keeping it.
"""
import codecs
import mimetypes
import os
import re
from dataclasses import dataclass

import puremagic

from chat.errors import Problem

# The raster images a browser shows inline, by Pillow's format name.
RASTER = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}
RASTER_TYPES = set(RASTER.values())
HEAD = 8 * 1024
SCAN = 256 * 1024
# Markup a browser would act on if it ever read the file as HTML or SVG: looked
# for in the first KB (all a browser's sniffer reads) ...
MARKUP = re.compile(rb"<\s*(script|html|body|iframe|svg|object|embed|meta|link|style|!doctype|\?php)|javascript:", re.I)
# ... and, in an image, anywhere: only tokens long enough that compressed pixels
# cannot spell them by chance (a short one like "<svg" would turn up in about
# one 25 MB photo in a thousand).
DEEP = re.compile(rb"<(script|iframe|object|embed|html[\s>]|!doctype|\?php)|javascript:", re.I)
# Types a text file may honestly be named as (beyond text/*).
TEXTUAL = {"application/json", "application/xml", "application/javascript", "application/x-sh", "application/sql",
           "application/x-yaml", "application/yaml", "application/toml", "application/x-python", "image/svg+xml",
           "application/x-tex", "application/x-latex", "application/rtf", "application/ld+json"}


@dataclass
class Kind:
    content_type: str
    raster: bool  # PNG, JPEG, GIF or WebP: to be decoded and checked by Pillow


def refuse_lie(name):
    return Problem(400, "type_mismatch", f"The file's contents do not match its name ({name}): "
                   "rename it with the right extension.", field="file")


def extension(name):
    return os.path.splitext(name)[1].lower()


# What `.bin` or `.dat` claims: "some bytes". Such a name claims no type, so it cannot lie.
GENERIC = "application/octet-stream"


def claimed(name):
    """The type the name's extension claims, or None."""
    return mimetypes.guess_type("x" + extension(name), strict=False)[0] if extension(name) else None


def sniff(stream, name):
    """The file's Kind, from its bytes; a 400 Problem when the name's extension
    lies about them, or when an image also holds markup. Leaves `stream` at 0."""
    stream.seek(0)
    head = stream.read(HEAD)
    stream.seek(0)
    try:
        matches = puremagic.magic_stream(stream)
    except puremagic.PureError:
        matches = []
    stream.seek(0)
    ext, claim = extension(name), claimed(name)
    found = [(m.extension.lower(), m.mime_type) for m in matches]
    if claim == GENERIC:
        kind = Kind(GENERIC, False)  # served as a download, whatever a signature might say
    elif found:
        kind = by_signature(found, ext, claim, name, head)
    else:
        kind = by_text(head, claim, name)
    markup = MARKUP.search(head[:1024]) or (kind.raster and holds_markup(stream))
    if markup and (kind.raster or not textual(kind.content_type)):
        raise Problem(400, "polyglot", "This file is an image and a web page at once; it was refused.", field="file")
    return kind


def by_signature(found, ext, claim, name, head):
    """The matched type, the one the extension names when it is among the matches;
    an extension that names none of them is a lie. Some signatures are two bytes
    long ("BM", "MZ"), so text named as text stays text whatever it starts with."""
    if ext:
        for found_ext, mime in found:
            if found_ext == ext or (claim and mime == claim):
                return Kind(mime or claim or GENERIC, (mime or claim) in RASTER_TYPES)
        if claim and textual(claim) and is_text(head):
            return Kind("text/plain", False)
        if claim:
            raise refuse_lie(name)
    mime = next((mime for _, mime in found if mime), GENERIC)
    return Kind(mime, mime in RASTER_TYPES)


def by_text(head, claim, name):
    """No signature: UTF-8 text (text/plain), or bytes we cannot name. An extension
    claiming a type with a signature (an image, a PDF, a zip) is then a lie."""
    text = is_text(head)
    if claim and (not text or not textual(claim)):
        if not text and not claim.startswith(("image/", "audio/", "video/", "font/")) and claim not in SIGNED:
            return Kind(GENERIC, False)
        raise refuse_lie(name)
    return Kind("text/plain" if text else GENERIC, False)


SIGNED = {"application/pdf", "application/zip", "application/gzip", "application/x-gzip", "application/x-tar",
          "application/x-7z-compressed", "application/vnd.rar", "application/x-rar-compressed", "application/msword"}


def textual(mime):
    return mime.startswith("text/") or mime in TEXTUAL or mime.endswith(("+xml", "+json"))


def is_text(head):
    if b"\0" in head:
        return False
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head, final=False)  # a character cut at the end of the head is fine
    except UnicodeDecodeError:
        return False
    return True


def holds_markup(stream):
    """Whether markup appears anywhere in the file (read in chunks, overlapping so
    that a tag split between two chunks is still seen)."""
    stream.seek(0)
    tail = b""
    try:
        while chunk := stream.read(SCAN):
            if DEEP.search(tail + chunk):
                return True
            tail = chunk[-64:]
        return False
    finally:
        stream.seek(0)
