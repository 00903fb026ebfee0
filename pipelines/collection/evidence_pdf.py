"""A 佐证材料 PDF: read with a real PDF library (pypdf), every object walked, refused when it can act.

A PDF viewer acts on names, wherever and however they are written: `/J#61vaScript` is `/JavaScript`, an
object may sit compressed inside an object stream, and a viewer that repairs a damaged file reads objects
the cross-reference table does not list. So three readings, each must be clean:
- pypdf's: every object the cross-reference lists (those inside object streams too), walked to the
  bottom, names decoded;
- the file's own text outside its streams, names decoded (objects no table lists, a repaired file's);
- the inflated text of every object stream (objects packed there that no table lists).
Nothing may follow the last %%EOF but whitespace, and the file may not also be a zip (a program packed
behind or inside a PDF that an archive tool would open).
"""

import re
from io import BytesIO

from .evidence_image import opens_as_zip

# What a PDF may not carry as evidence (ISO 32000-1): scripts (12.6.4.16), launched programs (12.6.4.5),
# links out and to other files (12.6.4.7, 12.6.4.3), actions on opening or on events (12.3.1, 12.6.3), files
# (7.11.4), media (13.6), forms that send or fetch data (12.7.5.2–4, 12.7.8).
ACTIVE_NAMES = ("JavaScript", "JS", "Launch", "URI", "AA", "EmbeddedFile", "EmbeddedFiles", "RichMedia", "XFA",
                "SubmitForm", "ImportData", "GoToR", "GoToE")
# /OpenAction is a page to open at (an array: harmless, LibreOffice writes one) or an action (a dictionary).
OPEN_ACTION = "OpenAction"
WHITESPACE = b" \t\r\n\f\x00"  # PDF's white-space characters (7.2.2)
NAME = re.compile(rb"/([^\x00\t\n\f\r ()<>\[\]{}/%]*)")
STREAM_BODY = re.compile(rb"(?<!end)stream\r?\n.*?endstream", re.S)  # not from an endstream to the next stream
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x01\x02")

DAMAGED = "PDF 文件已损坏或结构无法读取（可能下载不完整，或不是 PDF）：请重新导出后上传"
REPRINT = "请用“打印为 PDF”重新生成后上传"


def decoded_name(raw: bytes) -> str:
    """A PDF name as a viewer reads it: each #xx is the byte xx (7.3.5)."""
    return re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m[1], 16)]), raw).decode("latin-1")


def names_in(text: bytes) -> set[str]:
    return {decoded_name(m[1]) for m in NAME.finditer(text)}


def check_pdf(data: bytes, size: int) -> str | None:
    """None for an inert, complete PDF; else why it is refused (a Chinese sentence)."""
    end = data.rfind(b"%%EOF")
    if end < 0 or b"startxref" not in data[max(0, end - 4096):end]:
        return "不是完整的 PDF 文件（缺少文件尾，可能已损坏、下载不完整或不是 PDF）：请重新导出后上传"
    if data[end + len(b"%%EOF"):].strip(WHITESPACE):
        return f"PDF 文件结尾（%%EOF）之后还附带了其他数据（可能藏有程序或压缩包），不予接受：{REPRINT}"
    if b" obj" not in data or b"endobj" not in data:
        return "不是有效的 PDF 文件（没有任何 PDF 对象，可能是改了扩展名的其他文件）：请重新导出后上传"
    outside_streams = STREAM_BODY.sub(b"stream endstream", data)
    if any(sig in outside_streams for sig in ZIP_SIGNATURES) or opens_as_zip(data):
        return f"PDF 文件中夹带了压缩包，不予接受：{REPRINT}"
    found = _refused(names_in(outside_streams))
    if found is None:
        try:
            found = _walk(data)
        except _Damaged:
            return DAMAGED
    if found:
        return f"PDF 中含有脚本、链接、自动执行的动作或嵌入文件（/{found}），不予接受：{REPRINT}"
    return None


class _Damaged(Exception):
    pass


def _refused(names: set[str]) -> str | None:
    return next((n for n in ACTIVE_NAMES if n in names), None)


def _walk(data: bytes) -> str | None:
    """pypdf's reading: every listed object, inside object streams too, and each object stream's own text."""
    from pypdf import PdfReader
    from pypdf.generic import IndirectObject

    try:
        reader = PdfReader(BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise _Damaged  # a password-protected PDF cannot be checked
        numbers = {(n, g) for g, listed in reader.xref.items() for n in listed} | {(n, 0) for n in reader.xref_objStm}
        seen: set[int] = set()
        for number, generation in sorted(numbers):
            if found := _inspect(reader.get_object(IndirectObject(number, generation, reader)), seen):
                return found
        return _inspect(reader.trailer, seen)
    except _Damaged:
        raise
    except Exception as exc:  # pypdf raises many kinds for a damaged file: one sentence for them all
        raise _Damaged from exc


def _inspect(obj, seen: set[int]) -> str | None:
    """The first refused name in an object and everything inside it (each object once)."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, StreamObject

    pending = [obj]
    while pending:
        item = pending.pop()
        if isinstance(item, IndirectObject):
            item = item.get_object()
        if item is None or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, DictionaryObject):
            for key, value in item.items():
                name = key[1:]
                if name in ACTIVE_NAMES:
                    return name
                target = value.get_object() if isinstance(value, IndirectObject) else value
                if name == OPEN_ACTION and not isinstance(target, ArrayObject):
                    return name
                pending.append(target)
            if isinstance(item, StreamObject) and item.get("/Type") == "/ObjStm":
                if found := _refused(names_in(item.get_data())):
                    return found
        elif isinstance(item, ArrayObject):
            pending.extend(item)
        elif isinstance(item, NameObject) and item[1:] in ACTIVE_NAMES:
            return item[1:]
    return None

