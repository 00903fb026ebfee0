"""A 佐证材料 photo (JPEG or PNG): its structure walked segment by segment, nothing after its end, no archive inside.

The end of an image is where its own structure says it ends (a JPEG's EOI after the last scan, a PNG's
IEND chunk), not the last pair of bytes that look like one: a zip appended to a photo may itself end in
FF D9. What follows the end may only be zero padding; the metadata (a JPEG's APPn and COM segments, a
PNG's ancillary chunks) may not hold an archive or a program; the file may not also open as a zip; and
every pixel must decode (Pillow).
"""

import struct
import zipfile
import zlib
from io import BytesIO

MIN_IMAGE_SIDE = 8  # pixels: anything smaller is no photograph of a document
# Signatures of what may not hide in a picture's metadata: zip parts, RAR, 7z, a PDF.
HIDDEN = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x01\x02", b"Rar!", b"7z\xbc\xaf\x27\x1c", b"%PDF-")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_STANDALONE = {0x01, *range(0xD0, 0xD8)}  # TEM, RST0–7: markers without a length


class _Damaged(Exception):
    pass


def check_image(fmt: str, data: bytes) -> str | None:
    """None for a complete, plain picture of the format ('JPEG' or 'PNG'); else why it is refused."""
    name = "JPG" if fmt == "JPEG" else fmt
    damaged = f"图片已损坏、不完整或不是有效的 {name} 文件：请重新保存后上传"
    try:
        end, metadata = (_jpeg_end if fmt == "JPEG" else _png_end)(data)
    except _Damaged:
        return damaged
    if data[end:].strip(b"\x00"):
        return (f"{name} 图片末尾附带了其他文件（图片结束后还有 {len(data) - end} 字节，可能是程序或压缩包），不予接受："
                "请重新保存图片后上传")
    if any(sig in part for part in metadata for sig in HIDDEN) or opens_as_zip(data):
        return f"{name} 图片中夹带了压缩包或其他文件，不予接受：请重新保存图片（或截图）后上传"
    from PIL import Image

    try:
        with Image.open(BytesIO(data)) as image:
            if image.format != fmt or min(image.size) < MIN_IMAGE_SIDE:
                raise ValueError(image.format)
            image.load()  # every pixel decoded: a truncated image fails here (verify() does not for JPEG)
    # What Pillow raises for a damaged image (checked by corrupting and cutting real PNGs and JPEGs: OSError and
    # its UnidentifiedImageError, SyntaxError for a broken PNG chunk; EOFError, and a bomb's size), and the
    # ValueError above: one sentence for them all.
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError):
        return damaged
    return None


def _jpeg_end(data: bytes) -> tuple[int, list[bytes]]:
    """Where the JPEG's EOI ends, and its metadata segments (ITU T.81, B.1.1)."""
    if not data.startswith(b"\xff\xd8"):
        raise _Damaged
    at, metadata, scanned = 2, [], False
    while True:
        if at >= len(data) or data[at] != 0xFF:
            raise _Damaged
        while at < len(data) and data[at] == 0xFF:  # fill bytes before a marker
            at += 1
        if at >= len(data):
            raise _Damaged
        marker = data[at]
        at += 1
        if marker == 0xD9:
            if not scanned:
                raise _Damaged
            return at, metadata
        if marker in JPEG_STANDALONE:
            continue
        length = _segment_length(data, at)
        if 0xE0 <= marker <= 0xEF or marker == 0xFE:  # APP0–15, COM: metadata
            metadata.append(data[at + 2:at + length])
        at += length
        if marker == 0xDA:  # start of scan
            scanned = True
            at = _scan_end(data, at)


def _segment_length(data: bytes, at: int) -> int:
    """A marker segment's length (its two length bytes included), which must fit in the file."""
    if at + 2 > len(data):
        raise _Damaged
    (length,) = struct.unpack(">H", data[at:at + 2])
    if length < 2 or at + length > len(data):
        raise _Damaged
    return length


def _scan_end(data: bytes, at: int) -> int:
    """Where a scan's entropy-coded data ends: at the next marker that is not a restart (RST) or a stuffed 0xFF00."""
    while True:
        at = data.find(b"\xff", at)
        if at < 0 or at + 1 >= len(data):
            raise _Damaged
        following = data[at + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
            at += 1 if following == 0xFF else 2
            continue
        return at


def _png_end(data: bytes) -> tuple[int, list[bytes]]:
    """Where the PNG's IEND chunk ends, and its ancillary chunks' data (PNG spec, 5.3); each CRC checked."""
    if not data.startswith(PNG_SIGNATURE):
        raise _Damaged
    at, metadata = len(PNG_SIGNATURE), []
    while at + 12 <= len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        body_end = at + 8 + length
        if body_end + 4 > len(data):
            raise _Damaged
        (crc,) = struct.unpack(">I", data[body_end:body_end + 4])
        if zlib.crc32(data[at + 4:body_end]) != crc:
            raise _Damaged
        if kind == b"IEND":
            return body_end + 4, metadata
        if kind not in (b"IHDR", b"PLTE", b"IDAT"):
            metadata.append(data[at + 8:body_end])
        at = body_end + 4
    raise _Damaged


def opens_as_zip(data: bytes) -> bool:
    """Whether an archive tool would open the file as a zip (its end record within the last 64 KB)."""
    try:
        return zipfile.is_zipfile(BytesIO(data))
    except (OSError, ValueError, EOFError, struct.error):  # what reading a damaged end record raises: no zip
        return False
