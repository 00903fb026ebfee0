"""佐证材料 files for tests, made as the real programs make them: a PDF with its cross-reference table, images
saved by Pillow, a Word document saved by python-docx — and the hostile ones."""

import zipfile
from io import BytesIO

from docx import Document
from PIL import Image


def pdf() -> bytes:
    """A minimal valid one-page PDF (objects, xref with the right offsets, trailer, startxref, %%EOF)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def image(fmt: str, colour=(200, 30, 30), size=(64, 48)) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", size, colour).save(buffer, fmt)
    return buffer.getvalue()


def png(**kwargs) -> bytes:
    return image("PNG", **kwargs)


def jpg(**kwargs) -> bytes:
    return image("JPEG", **kwargs)


def docx(text: str = "2025年度集团化办学推进情况说明") -> bytes:
    document = Document()
    document.add_paragraph(text)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_with_macros() -> bytes:
    """A Word document carrying a VBA project (what a .docm holds), renamed .docx."""
    source = zipfile.ZipFile(BytesIO(docx()))
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            out.writestr(item, source.read(item))
        out.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    return buffer.getvalue()


def docx_with(part: str, data: bytes, macro_type: bool = False) -> bytes:
    """A Word document with one more part (an embedded file, a control), or declared macro-enabled."""
    source = zipfile.ZipFile(BytesIO(docx()))
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            body = source.read(item)
            if macro_type and item.filename == "[Content_Types].xml":
                body = body.replace(b"document.main+xml", b"document.macroEnabled.main+xml")
            out.writestr(item, body)
        if part:
            out.writestr(part, data)
    return buffer.getvalue()


def pdf_with(extra: bytes) -> bytes:
    """The minimal PDF with one more object holding `extra` (a script, an embedded file)."""
    body = pdf()
    cut = body.index(b"xref")
    return body[:cut] + b"4 0 obj\n" + extra + b"\nendobj\n" + body[cut:]


def exe() -> bytes:
    """The start of a Windows program: the MZ header and its DOS stub."""
    stub = b"This program cannot be run in DOS mode.\r\r\n$"
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\0" * 48 + stub + b"\0" * 400
