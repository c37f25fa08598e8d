"""Uploaded images: decoded by Pillow under a pixel limit, re-encoded without
their metadata, and given a bounded thumbnail.

A decompression bomb (a small file declaring a huge picture) is refused from
its header, before any pixel is decoded: by our limit (MAX_IMAGE_PIXELS), and
by Pillow's own check, whose warning is an error here. A truncated or broken
image is refused too. Only PNG, JPEG, GIF and WebP count as images; SVG never
does (it is a document that can run script).
"""
import tempfile
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from chat.errors import Problem
from chat.models.filetype import RASTER

THUMBNAIL = (1200, 800)
SPOOL = 1024 * 1024
# What survives the re-encoding: how frames play and which colour is clear. EXIF
# (the camera's location included), XMP, comments and text chunks do not.
KEEP = ("duration", "loop", "transparency", "background", "disposal")
SAVE = {"JPEG": {"quality": 90}, "WEBP": {"quality": 90}, "PNG": {}, "GIF": {}}
BROKEN = (OSError, SyntaxError, ValueError, EOFError, UnidentifiedImageError, Image.DecompressionBombError,
          Image.DecompressionBombWarning)


@dataclass
class Picture:
    content_type: str
    suffix: str
    width: int
    height: int
    file: object                 # the re-encoded image, at 0
    thumbnail: object = None     # a smaller copy when the image exceeds THUMBNAIL, at 0
    thumbnail_suffix: str = None

    def close(self):
        for file in (self.file, self.thumbnail):
            if file is not None:
                file.close()


def too_large(max_pixels):
    return Problem(400, "image_too_large", f"This image has too many pixels (the limit is {max_pixels:,}).",
                   field="file")


def broken():
    return Problem(400, "invalid_image", "This image is damaged or incomplete and cannot be read.", field="file")


def decode(stream, max_pixels):
    """A Picture of the image in `stream`, or a 400 Problem: too many pixels, or
    not a whole PNG, JPEG, GIF or WebP."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(stream)
            if image.format not in RASTER:
                raise broken()
            frames = getattr(image, "n_frames", 1)
            if image.width * image.height * frames > max_pixels:
                raise too_large(max_pixels)
            image.load()
            return encode(image, frames)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise too_large(max_pixels) from None
        except BROKEN:
            raise broken() from None


def encode(image, frames):
    """The image saved again in its own format, upright and without metadata."""
    format = image.format
    options = {**SAVE[format], **kept(image)}
    if frames > 1:
        options["save_all"] = True
        still = image.copy()
    else:
        image = still = ImageOps.exif_transpose(image)
    small = thumbnail(still) if still.width > THUMBNAIL[0] or still.height > THUMBNAIL[1] else (None, None)
    image.info = {}
    out = tempfile.SpooledTemporaryFile(SPOOL)
    image.save(out, format, **options)
    out.seek(0)
    suffix = "." + format.lower().replace("jpeg", "jpg")
    return Picture(RASTER[format], suffix, still.width, still.height, out, *small)


def kept(image):
    options = {key: image.info[key] for key in KEEP if key in image.info}
    if image.info.get("icc_profile"):
        options["icc_profile"] = image.info["icc_profile"]
    return options


def thumbnail(image):
    """(file, suffix): the image within THUMBNAIL, as JPEG, or PNG when it has transparency."""
    clear = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    small = image.convert("RGBA" if clear else "RGB")
    small.info = {}
    small.thumbnail(THUMBNAIL)
    out = tempfile.SpooledTemporaryFile(SPOOL)
    if clear:
        small.save(out, "PNG")
    else:
        small.save(out, "JPEG", quality=85)
    out.seek(0)
    return out, ".png" if clear else ".jpg"
