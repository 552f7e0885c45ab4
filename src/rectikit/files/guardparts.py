"""The parts of an xlsx package as readers find them, read in chunks that never cut a tag: the
relationships Excel follows (resolved), and the ones calamine follows (its workbook folder joined to
each target as written, names matched without regard to case). The guard measures both."""

from __future__ import annotations

import html
import posixpath
import re
import zipfile

from rectikit.base.errors import InputFileError
from rectikit.base.fsutil import fast_inflate

CHUNK = 1 << 20

LONGEST_RUN = 64 << 20  # a tag or text longer than this is cut; the measures carry a cut tag's end over

HINT = "如确属正常文件，可调大 rectikit.toml 中 [import] 的相应上限。"


def too_large(file: str, where: str, what: str, found: int, limit: int, keys: str) -> InputFileError:
    return InputFileError(
        f"{file}{where} {what}达 {found:,}，超过上限 {limit:,}（按文件大小计，见 {keys}），"
        f"疑似构造的异常文件，拒绝读取。{HINT}"
    )


def chunks(zf: zipfile.ZipFile, name: str):
    """The member's bytes in chunks cut before a tag, so no tag is cut in two unseen."""
    tail = b""
    with zf.open(name) as f:
        fast_inflate(f)  # a third of the guard's 0.1 s on a 100k-row sheet was zlib
        while True:
            block = f.read(CHUNK)
            if not block:
                if tail:
                    yield tail
                return
            data = tail + block
            cut = data.rfind(b"<")  # every tag whole in one chunk, however long its attributes
            if cut <= 0 and len(data) < LONGEST_RUN:  # one tag or one text so far: read on
                tail = data
                continue
            cut = cut if cut > 0 else len(data)
            yield data[:cut]
            tail = data[cut:]


# A tag's attributes, quoted values whole (a '>' inside one included), never past a '<': none is part of a
# well-formed tag, and stopping there keeps every search linear however the quotes are crafted.
ATTRS = rb"""(?:[^<>"']|"[^<"]*"|'[^<']*')*"""

ATTRS_LAZY = rb"""(?:[^<>"']|"[^<"]*"|'[^<']*')*?"""


def whole_tags(start: re.Pattern[bytes], tag: re.Pattern[bytes], data: bytes, file: str) -> list:
    """Every ``tag`` in ``data``, once each that ``start`` finds is found whole (:func:`check_whole`)."""
    found = tag.findall(data)
    check_whole(start, len(found), data, file)
    return found


def check_whole(start: re.Pattern[bytes], whole: int, data: bytes, file: str) -> None:
    """Refuse ``data`` when fewer of its tags than ``start`` finds were found whole: a tag that does not close
    before the next '<' is no well-formed XML, and a parser might still read it."""
    if whole != len(start.findall(data)):
        raise InputFileError(f"{file} 中有残缺的 XML 标记（属性值里有“<”或引号不成对），不是正常的表格文件，拒绝读取。")


_ATTR = re.compile(rb"""([^\s=<>"'/]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def attr(tag: bytes, name: bytes) -> str:
    """The value of the first attribute whose name matches ``name``, as an XML parser reads it: attributes
    taken in turn (so one inside another's value is no attribute), either quotes, spaces around ``=``,
    character references unescaped."""
    for m in _ATTR.finditer(tag):
        if re.fullmatch(name, m.group(1)):
            return html.unescape((m.group(2) if m.group(2) is not None else m.group(3)).decode("utf-8", "replace"))
    return ""


OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"

_RELATIONSHIP_START = re.compile(rb"<(?:\w+:)?Relationship(?=[\s/>])")

_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship(?=[\s/>])" + ATTRS + rb">")

_SHEET_START = re.compile(rb"<(?:\w+:)?sheet(?=[\s/>])")

_SHEET = re.compile(rb"<(?:\w+:)?sheet(?=[\s/>])" + ATTRS + rb">")


def part_key(name: str) -> str:
    """A part's name as calamine matches it: backslashes as slashes, A-Z in lower case (bytes lower only
    ASCII, as its to_ascii_lowercase does)."""
    return name.replace("\\", "/").encode().lower().decode()


def _lookup(zf: zipfile.ZipFile) -> dict[str, str]:
    """Member by :func:`part_key`: how calamine finds a part."""
    return {part_key(n): n for n in zf.namelist()}


def _relationship_tags(zf: zipfile.ZipFile, member: str) -> list[bytes]:
    return whole_tags(_RELATIONSHIP_START, _RELATIONSHIP, zf.read(member), member)


def _calamine_folder(zf: zipfile.ZipFile) -> str | None:
    """calamine's ``xl_path``: the folder, as written, of the workbook that the package's last
    officeDocument relationship names (None where there is none, and calamine cannot open it)."""
    rels = _lookup(zf).get("_rels/.rels")
    target = None
    for tag in _relationship_tags(zf, rels) if rels else ():
        if attr(tag, b"Type") == OFFICE_DOCUMENT:
            target = attr(tag, b"Target")
    if target is None:
        return None
    return target[: target.rfind("/") + 1].removeprefix("/")


def calamine_strings_part(zf: zipfile.ZipFile) -> str | None:
    """The member calamine reads as the shared strings: sharedStrings.xml in its workbook folder, whatever
    the workbook's own relationships name."""
    folder = _calamine_folder(zf)
    return None if folder is None else _lookup(zf).get(part_key(folder + "sharedStrings.xml"))


def calamine_sheets(zf: zipfile.ZipFile) -> list[str]:
    """The worksheet members calamine reads: each sheet of ``workbook.xml`` in its workbook folder, by the
    target ``_rels/workbook.xml.rels`` gives its id there, joined to the folder as written (not resolved)."""
    folder = _calamine_folder(zf)
    if folder is None:
        return []
    names = _lookup(zf)
    book, rels = (names.get(part_key(folder + p)) for p in ("workbook.xml", "_rels/workbook.xml.rels"))
    if book is None or rels is None:
        return []
    targets = {attr(tag, b"Id"): attr(tag, b"Target") for tag in _relationship_tags(zf, rels)}
    found: list[str] = []
    for tag in whole_tags(_SHEET_START, _SHEET, zf.read(book), book):
        target = targets.get(attr(tag, rb"(?:\w+:)?id"))
        if target is not None:
            path = target[1:] if target.startswith("/") else folder + target
            found.extend(m for m in [names.get(part_key(path))] if m)
    return found


def _member(zf: zipfile.ZipFile, name: str) -> str | None:
    """The zip member a part name means (readers match names without regard to case)."""
    names = {n.lower(): n for n in zf.namelist()}
    return names.get(name.lstrip("/").lower())


def _part(base: str, target: str) -> str:
    """A relationship's target as a part name, resolved against the folder of the part that names it."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), target)).lstrip("./")


def _relationships(zf: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Id -> (type, target part) of a part's relationships."""
    rels = _member(zf, posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels"))
    if rels is None:
        return {}
    out = {}
    for tag in _relationship_tags(zf, rels):
        out[attr(tag, b"Id")] = (attr(tag, b"Type"), _part(part, attr(tag, b"Target")))
    return out


def _workbook_part(zf: zipfile.ZipFile) -> str:
    """The workbook part the package's relationships point to (xl/workbook.xml when they say none)."""
    return next(
        (t for kind, t in _relationships(zf, "").values() if kind.endswith("/officeDocument")), "xl/workbook.xml"
    )


def sheet_names(zf: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet member -> the sheet's name as Excel shows it: found the way a reader finds them, from the
    package's relationships to the workbook and from the workbook's to its sheets, whatever their folder,
    case or namespace prefix."""
    book = _workbook_part(zf)
    member = _member(zf, book)
    if member is None:
        return {}
    targets = _relationships(zf, book)
    out = {}
    for tag in whole_tags(_SHEET_START, _SHEET, zf.read(member), member):
        target = targets.get(attr(tag, rb"(?:\w+:)?id"), ("", ""))[1]
        found = _member(zf, target) if target else None
        if found:
            out[found] = attr(tag, b"name")
    return out
