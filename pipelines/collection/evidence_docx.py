"""A 佐证材料 Word document (.docx): text, styles and pictures only — nothing that runs, fetches or embeds.

Word acts on a document's relationships and fields, not on its file names: an OLE object may be stored as
word/media/ole1.bin, a remote template is a relationship of settings.xml, a picture may be fetched from a
UNC path (\\\\server\\share, which hands the reader's Windows credentials to that server). So:
- every relationship (of every part) is read: none may point outside the package (TargetMode="External",
  a UNC or file: path, a URL), and none may be of a kind that embeds or imports (OLE objects, packages,
  altChunk parts, templates, frames, sub-documents, controls, macros);
- every part is one Word writes as text (XML, relationships), a picture whose bytes are a picture
  (word/media, the thumbnail) or an embedded font (word/fonts, .odttf); any other binary part is refused;
- the content types declare no macros, OLE objects, packages or controls;
- fields (w:fldSimple's w:instr and the w:instrText of complex fields, joined across runs as Word joins
  them) use no DDE, DDEAUTO, INCLUDETEXT, INCLUDEPICTURE, LINK or IMPORT;
- and, as before, no zip bomb and no XML entity declarations.
"""

import re
import zipfile
from io import BytesIO
from xml.etree import ElementTree

from ..workbook_read import DAMAGED_ZIP_ERRORS, bomb_size, entity_part

REPLACE = "请在 Word 或 WPS 中删除后另存，或另存为 PDF 后上传"
# Relationship types (their last path segment) that embed, import or run something.
REFUSED_RELATIONSHIPS = {
    "oleObject": "嵌入的 OLE 对象", "package": "嵌入的文件包", "aFChunk": "嵌入的外部文档片段（altChunk）",
    "attachedTemplate": "附加的模板", "frame": "框架（引用其他文档）", "subDocument": "子文档",
    "control": "ActiveX 控件", "activeXControl": "ActiveX 控件", "activeXControlBinary": "ActiveX 控件",
    "vbaProject": "宏", "wordVbaData": "宏", "keyMapCustomizations": "宏", "externalLinkPath": "外部链接",
    "oleObjectLink": "外部链接",
}
# Content types that name such parts, wherever they are stored (an embedded Office file, an altChunk's HTML,
# RTF, text or mail, a control, macros).
REFUSED_TYPES = ("macroenabled", "vbaproject", "oleobject", "activex", "msword", "ms-excel", "ms-powerpoint",
                 "spreadsheetml.sheet", "presentationml", "wordprocessingml.document", "wordprocessingml.template",
                 "message/rfc822", "text/html", "xhtml", "rtf", "text/plain", "attachedtoolbars")
MAIN_DOCUMENT = "wordprocessingml.document.main+xml"
# Field codes that run another program (DDE) or fetch another file (Word's field reference).
REFUSED_FIELDS = ("DDEAUTO", "DDE", "INCLUDETEXT", "INCLUDEPICTURE", "LINK", "IMPORT")
FIELD = re.compile(r"^\s*(" + "|".join(REFUSED_FIELDS) + r")\b", re.I)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
# What a picture in word/media may be: its bytes say so.
PICTURE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"BM", b"II*\x00", b"MM\x00*",
                 b"\xd7\xcd\xc6\x9a", b"\x01\x00\x00\x00")  # …, TIFF, WMF (placeable), EMF
TEXT_PARTS = (".xml", ".rels", ".vml")
PICTURE_SUFFIXES = (".png", ".jpeg", ".jpg", ".gif", ".bmp", ".tif", ".tiff", ".wmf", ".emf")


def check_docx(data: bytes, size: int) -> str | None:
    """None for an inert Word document; else why it is refused (a Chinese sentence)."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            names = {i.filename for i in archive.infolist()}
            if "word/document.xml" not in names or "[Content_Types].xml" not in names:
                return "文件不是 Word 文档（.docx 中缺少 word/document.xml）：请用 Word 或 WPS 另存为 .docx"
            lowered = {n.lower() for n in names}
            if any(n.endswith("vbaproject.bin") or "vbadata" in n for n in lowered) or \
                    b"macroEnabled" in archive.read("[Content_Types].xml"):
                return "文档含有宏，不予接受：请另存为不含宏的 .docx"
            if any(n.startswith(("word/embeddings/", "word/activex/")) for n in lowered):
                return "文档中嵌入了其他文件或控件（word/embeddings），不予接受：请另存为 PDF 后上传"
            if unpacked := bomb_size(archive, size):
                return f"文档解压后异常巨大（{unpacked / 1024 / 1024:.0f} MB），疑似压缩炸弹，已拒绝"
            if part := entity_part(archive):
                return f"文档中含有 XML 实体声明（{part}），可能是恶意构造的文件，已拒绝"
            return (_content_types(archive) or _parts(archive, names) or _relationships(archive, names)
                    or _fields(archive, names))
    except (*DAMAGED_ZIP_ERRORS, KeyError, ElementTree.ParseError):  # KeyError: a part the listing names but lacks
        return "文档已损坏或不是完整的 .docx 文件：请在 Word 或 WPS 中打开并重新保存后上传"


def _content_types(archive: zipfile.ZipFile) -> str | None:
    root = ElementTree.fromstring(archive.read("[Content_Types].xml"))
    for item in root:
        declared = item.get("ContentType", "")
        if any(word in declared.lower().replace(MAIN_DOCUMENT, "") for word in REFUSED_TYPES):
            where = item.get("PartName") or f"*.{item.get('Extension')}"
            return f"文档中含有可执行或嵌入的内容（{where}：{declared}），不予接受：{REPLACE}"
    return None


def _parts(archive: zipfile.ZipFile, names: set[str]) -> str | None:
    """Every part is text Word writes, a picture that is one, or an embedded font."""
    for name in sorted(names):
        lower = name.lower()
        if name.endswith("/") or lower.endswith(TEXT_PARTS) or name == "[Content_Types].xml":
            continue
        if lower.startswith("word/fonts/") and lower.endswith(".odttf"):
            continue
        if lower.endswith(PICTURE_SUFFIXES) and archive.read(name)[:8].startswith(PICTURE_MAGIC):
            continue  # word/media's pictures, docProps/thumbnail.jpeg
        return f"文档中含有图片以外的二进制部件（{name}），可能是嵌入的程序或对象，不予接受：{REPLACE}"
    return None


def _relationships(archive: zipfile.ZipFile, names: set[str]) -> str | None:
    for part in sorted(n for n in names if n.endswith(".rels")):
        for rel in ElementTree.fromstring(archive.read(part)).iter(REL):
            kind = rel.get("Type", "").rsplit("/", 1)[-1]
            target = rel.get("Target", "")
            if kind in REFUSED_RELATIONSHIPS:
                return f"文档中含有{REFUSED_RELATIONSHIPS[kind]}（{part}），不予接受：{REPLACE}"
            if rel.get("TargetMode", "").lower() == "external" or target.startswith(("\\\\", "//")) or \
                    re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target):
                return f"文档中含有指向外部的链接或引用（{target[:80]}），不予接受：{REPLACE}"
    return None


def _fields(archive: zipfile.ZipFile, names: set[str]) -> str | None:
    """Field codes in the body, headers, footers, notes and comments, joined as Word joins them."""
    for part in sorted(n for n in names if n.startswith("word/") and n.endswith(".xml")):
        root = ElementTree.fromstring(archive.read(part))
        codes = [simple.get(f"{W}instr", "") for simple in root.iter(f"{W}fldSimple")]
        current: list[str] = []
        for element in root.iter():
            if element.tag == f"{W}fldChar" and element.get(f"{W}fldCharType") == "begin":
                current = []
            elif element.tag == f"{W}instrText":
                current.append(element.text or "")
            elif element.tag == f"{W}fldChar" and element.get(f"{W}fldCharType") in ("separate", "end"):
                codes.append("".join(current))
                current = []
        codes.append("".join(current))
        for code in codes:
            if match := FIELD.match(code):
                return f"文档中含有 {match[1].upper()} 域（会运行程序或读取其他文件），不予接受：{REPLACE}"
    return None
