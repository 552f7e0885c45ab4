"""What a spreadsheet's worksheets would cost to read, measured before any reader sees them: the used area
and the text of every xlsx worksheet (found through the workbook's relationships, however the package names
them), and the repeated rows and columns of an ODS table; each limit summed over all sheets."""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

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


_ROW_TAG = re.compile(rb'<row r="(\d+)"')

_ODD_CELL = re.compile(rb'<c(?! r=")[\s/>]')  # a cell whose first attribute is not its position

_PREFIXED = re.compile(rb"<\w+:(?:worksheet|sheetData|row|c)\b")
_PREFIXED_GATE = re.compile(rb":(?:worksheet|sheetData|row|c)\b")  # found wherever _PREFIXED is; 5x faster

_ODD_ROW = re.compile(rb'<row(?! r=")[\s/>]')  # a row whose first attribute is not its number


@lru_cache(maxsize=32)
def _first_after(cols: int) -> re.Pattern[bytes]:
    """Cells written Excel's way whose reference starts with anything but a column among the first
    ``cols``: a column after them, or a character calamine reads although Excel never writes it
    (``xfd1048576``)."""
    return re.compile(rb'<c r="([^A-' + bytes([64 + cols]) + rb"])" if cols else rb'<c r="([\s\S])')


_FAR = re.compile(rb'r="(?:[A-Z][A-Za-z]|[A-Z]\d{6})')

_WIDE_OR_FAR_CELL = re.compile(rb'<c r="([A-Z][A-Za-z]+)(\d+)"|<c r="([A-Z])(\d{6,})"')

_SI = re.compile(rb"<(?:\w+:)?si[\s/>]")  # calamine expands <si/> into an empty string of its own

_TAG = re.compile(rb"<(?:\w+:)?(c|row)(?=[\s/>])")

_REF = re.compile(rb"""\sr\s*=\s*["']\s*([A-Za-z]*)(\d*)""")  # either quote, any case: calamine reads them all


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


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


@dataclass(frozen=True)
class SharedStrings:
    """What calamine will hold of a workbook's shared strings: the longest (bytes of XML, at least its
    text once read) and, where a byte search can find every string, each one's size in order."""

    longest: int = 0
    part: str | None = None
    exact: bool = True  # False: comments, CDATA or processing instructions could hide a <si> from a search

    def sizes(self, zf: zipfile.ZipFile) -> list[int] | None:
        """Bytes of each shared string's XML, in calamine's order; None where only the longest is known."""
        if not self.exact or self.part is None:
            return None if self.part else []
        starts: list[int] = []
        offset = 0
        for chunk in chunks(zf, self.part):
            starts.extend(m.start() + offset for m in _SI.finditer(chunk))
            offset += len(chunk)
        return [b - a for a, b in zip(starts, [*starts[1:], offset])]


_SST_START = re.compile(rb"<(?:\w+:)?sst\b")

_SST_TAG = re.compile(rb"<(?:\w+:)?sst\b[^>]*>")

_UNIQUE_COUNT = re.compile(rb"""\suniqueCount\s*=\s*["']\s*\+?0*(\d{1,30})""")

_HIDING = re.compile(rb"<!|<\?(?!xml\s)")  # a comment, CDATA, or a processing instruction after the declaration


def check_shared_strings(zf: zipfile.ZipFile, file: str, max_cells: int) -> SharedStrings:
    """Measure the shared strings calamine will read, once their declared count is found possible.

    calamine sets aside room for as many strings as the table's ``uniqueCount`` says before it reads
    one: a 1 KB file declaring ten billion made it ask for 240 GB and abort the process. A string takes
    at least five bytes of the table (``<si/>``), and a writer that counts references instead of strings
    counts no more than the cells a sheet may hold; a count beyond both is refused. The longest string
    is found by splitting on Excel's plain ``<si>`` (a string cut by a chunk's end carried on into the
    next): three times faster than a regex. Another form of the tag takes the regex; markup that could
    hide a tag from both is parsed (:func:`_parsed_longest`)."""
    part = _calamine_strings_part(zf)
    if part is None:
        return SharedStrings()
    size = zf.getinfo(part).file_size
    longest = run = 0
    started = False  # the part before the first string is the file's own header
    hidden = odd = declared = False
    after = 6  # the declaration <?xml at the start is no processing instruction
    for chunk in chunks(zf, part):
        if not declared and b"sst" in chunk:  # the table's own tag comes first, unless markup hides it
            declared = _check_declared_count(chunk, file, size, max_cells)
        if not hidden and (b"<!" in chunk or chunk.find(b"<?", after) >= 0):
            hidden = _HIDING.search(chunk) is not None
        after = 0
        if hidden:
            break  # parsed below, the declared count with it
        odd = odd or b":si" in chunk or chunk.count(b"<si") != chunk.count(b"<si>")
        if odd:
            continue  # measured by the regex below, unless markup further on hides a tag
        parts = chunk.split(b"<si>")
        if len(parts) == 1:
            run += len(chunk)
            continue
        if started:
            longest = max(longest, run + len(parts[0]))
        if len(parts) > 2:
            longest = max(longest, *map(len, parts[1:-1]))
        run, started = len(parts[-1]), True
    if hidden:
        return SharedStrings(_parsed_longest(zf, part, file, max(size // 5, max_cells)), part, exact=False)
    if odd:
        for chunk in chunks(zf, part):
            _check_declared_count(chunk, file, size, max_cells)
        return SharedStrings(max(SharedStrings(0, part).sizes(zf) or [0]), part)
    return SharedStrings(max(longest, run) if started else 0, part)


def _check_declared_count(chunk: bytes, file: str, size: int, max_cells: int) -> bool:
    """Refuse every table tag in the chunk whose uniqueCount no table of ``size`` bytes could hold;
    whether there was one."""
    tags = _SST_TAG.findall(chunk)
    if len(tags) != len(_SST_START.findall(chunk)):
        raise InputFileError(f"{file} 的共享字符串表开头不完整，疑似构造的异常文件，拒绝读取。")
    for tag in tags:
        declared = _UNIQUE_COUNT.search(tag)
        if declared:
            _refuse_count(int(declared.group(1)), file, size, max_cells)
    return bool(tags)


def _refuse_count(count: int, file: str, size: int, max_cells: int) -> None:
    if count > max(size // 5, max_cells):
        raise InputFileError(
            f"{file} 的共享字符串表声明有 {count:,} 条，而它只有 {size:,} 字节，放不下这么多，"
            "疑似构造的异常文件，拒绝读取。"
        )


def _parsed_longest(zf: zipfile.ZipFile, part: str, file: str, max_cells: int) -> int:
    """The longest shared string by an XML parse, for a table whose comments, CDATA or processing
    instructions could hide a ``<si>`` from a byte search: each string element's whole text (calamine
    reads only its <t> runs, so never more). The table's own tag has its declared count checked too."""
    from lxml import etree

    longest = 0
    size = zf.getinfo(part).file_size
    try:
        with zf.open(part) as f:
            for event, el in etree.iterparse(
                f,
                events=("start", "end"),
                remove_comments=True,
                remove_pis=True,
                resolve_entities=False,
                no_network=True,
            ):
                if event == "start":
                    if el.getparent() is None and (count := el.get("uniqueCount", "").strip().lstrip("+")).isdigit():
                        _refuse_count(int(count), file, size, max_cells)
                    continue
                if etree.QName(el).localname != "si" or any(
                    etree.QName(a).localname == "si" for a in el.iterancestors()
                ):
                    continue
                longest = max(longest, len("".join(el.itertext()).encode()))
                el.clear()
                while el.getprevious() is not None:
                    del el.getparent()[0]
    except etree.XMLSyntaxError as e:
        raise InputFileError(
            f"{file} 的共享字符串表无法解析（{e}），文件已损坏或是构造的异常文件，拒绝读取。"
        ) from None
    return longest


def _attr(tag: bytes, name: bytes) -> str:
    """An attribute's value as an XML parser reads it: in either quotes, spaces around ``=`` allowed,
    character references unescaped."""
    m = re.search(rb"\s" + name + rb"""\s*=\s*(?:"([^"]*)"|'([^']*)')""", tag)
    return html.unescape((m.group(1) or m.group(2) or b"").decode("utf-8", "replace")) if m else ""


OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"


def _lookup(zf: zipfile.ZipFile) -> dict[str, str]:
    """Member by name in lower case, backslashes as slashes: how calamine finds a part."""
    return {n.replace("\\", "/").lower(): n for n in zf.namelist()}


def _calamine_folder(zf: zipfile.ZipFile) -> str | None:
    """calamine's ``xl_path``: the folder, as written, of the workbook that the package's last
    officeDocument relationship names (None where there is none, and calamine cannot open it)."""
    rels = _lookup(zf).get("_rels/.rels")
    target = None
    for tag in re.findall(rb"<(?:\w+:)?Relationship\b[^>]*>", zf.read(rels)) if rels else ():
        if _attr(tag, b"Type") == OFFICE_DOCUMENT:
            target = _attr(tag, b"Target")
    if target is None:
        return None
    return target[: target.rfind("/") + 1].removeprefix("/")


def _calamine_strings_part(zf: zipfile.ZipFile) -> str | None:
    """The member calamine reads as the shared strings: sharedStrings.xml in its workbook folder, whatever
    the workbook's own relationships name."""
    folder = _calamine_folder(zf)
    return None if folder is None else _lookup(zf).get((folder + "sharedStrings.xml").lower())


def _calamine_sheets(zf: zipfile.ZipFile) -> list[str]:
    """The worksheet members calamine reads: each sheet of ``workbook.xml`` in its workbook folder, by the
    target ``_rels/workbook.xml.rels`` gives its id there, joined to the folder as written (not resolved)."""
    folder = _calamine_folder(zf)
    names = _lookup(zf)
    book, rels = (names.get((f"{folder}{p}").lower()) for p in ("workbook.xml", "_rels/workbook.xml.rels"))
    if folder is None or book is None or rels is None:
        return []
    targets = {
        _attr(tag, b"Id"): _attr(tag, b"Target")
        for tag in re.findall(rb"<(?:\w+:)?Relationship\b[^>]*>", zf.read(rels))
    }
    found: list[str] = []
    for tag in re.findall(rb"<(?:\w+:)?sheet\b[^>]*>", zf.read(book)):
        target = targets.get(_attr(tag, rb"(?:\w+:)?id"))
        if target is not None:
            path = target[1:] if target.startswith("/") else folder + target
            found.extend(m for m in [names.get(path.replace("\\", "/").lower())] if m)
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
    for tag in re.findall(rb"<(?:\w+:)?Relationship\b[^>]*>", zf.read(rels)):
        out[_attr(tag, b"Id")] = (_attr(tag, b"Type"), _part(part, _attr(tag, b"Target")))
    return out


def _workbook_part(zf: zipfile.ZipFile) -> str:
    """The workbook part the package's relationships point to (xl/workbook.xml when they say none)."""
    return next(
        (t for kind, t in _relationships(zf, "").values() if kind.endswith("/officeDocument")), "xl/workbook.xml"
    )


def _sheet_names(zf: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet member -> the sheet's name as Excel shows it: found the way a reader finds them, from the
    package's relationships to the workbook and from the workbook's to its sheets, whatever their folder,
    case or namespace prefix."""
    book = _workbook_part(zf)
    member = _member(zf, book)
    if member is None:
        return {}
    targets = _relationships(zf, book)
    out = {}
    for tag in re.findall(rb"<(?:\w+:)?sheet\b[^>]*>", zf.read(member)):
        target = targets.get(_attr(tag, rb"(?:\w+:)?id"), ("", ""))[1]
        found = _member(zf, target) if target else None
        if found:
            out[found] = _attr(tag, b"name")
    return out


def check_xlsx_sheets(
    zf: zipfile.ZipFile, file: str, max_cells: int, max_rows: int, max_text: int, strings: SharedStrings
) -> None:
    """Every worksheet a reader would open — by the relationships, and any part under xl/worksheets — is
    measured, and its rows, cells and text are added up: a hundred sheets each within a limit are together
    what the reader holds."""
    names = _sheet_names(zf)
    parts = list(
        dict.fromkeys(
            [
                *names,
                *_calamine_sheets(zf),
                *(
                    i.filename
                    for i in zf.infolist()
                    if i.filename.lower().startswith("xl/worksheets/") and i.filename.lower().endswith(".xml")
                ),
            ]
        )
    )
    sizes: list[int] | None = []
    sized = False  # each string's size is found once, for the first sheet that needs it
    rows_sum = cells_sum = text_sum = 0
    for part in parts:
        rows, cols = _xlsx_extent(zf, part)
        where = f" 的工作表“{names.get(part, Path(part).stem)}”"
        rows_sum, cells_sum = rows_sum + rows, cells_sum + rows * cols
        if rows_sum > max_rows:
            raise too_large(
                file, where if rows_sum == rows else "（各工作表合计）", "行数", rows_sum, max_rows, "rows_per_byte"
            )
        if cells_sum > max_cells:
            raise too_large(
                file,
                where if cells_sum == rows * cols else "（各工作表合计）",
                f"使用区域（{rows} 行 × {cols} 列）" if cells_sum == rows * cols else "使用区域（单元格）",
                cells_sum,
                max_cells,
                "cells_per_byte、max_cells",
            )
        # Each cell gets its own copy of the shared string it shows; inline text is no longer than the part.
        if text_sum + strings.longest * rows * cols + zf.getinfo(part).file_size > max_text:
            if not sized:
                sizes, sized = strings.sizes(zf), True
            text_sum += _cell_text(zf, part, sizes, strings.longest)
            if text_sum > max_text:
                raise too_large(file, where, "读入后的文字（字节）", text_sum, max_text, "text_per_byte")


def _xlsx_extent(zf: zipfile.ZipFile, name: str) -> tuple[int, int]:
    """(last row, last column) of one worksheet's cells."""
    ext = _Extent()
    for chunk in chunks(zf, name):
        if not ext.exact and (
            (_PREFIXED_GATE.search(chunk) and _PREFIXED.search(chunk))
            or _ODD_CELL.search(chunk)
            or _ODD_ROW.search(chunk)
        ):
            ext.exact = True  # a namespace prefix (<x:c …>) or another writer's form: follow every row and cell
        if ext.exact:
            ext.follow(chunk)
            continue
        # Every cell says where it is, Excel's way: rows, the last of columns A–Z, and far cells matter.
        ext.rows = max(ext.rows, *map(int, _ROW_TAG.findall(chunk) or (0,)))
        if b"<c " in chunk:
            found = set(_first_after(min(ext.cols, 26)).findall(chunk))  # one pass: columns beyond those seen
            if any(not b"A" <= ch <= b"Z" for ch in found):
                ext.exact = True  # a reference Excel would not write: follow every row and cell
                ext.follow(chunk)
                continue
            ext.cols = max(ext.cols, 1, *(ch[0] - 64 for ch in found))
        if _FAR.search(chunk):
            for a, b, c, d in _WIDE_OR_FAR_CELL.findall(chunk):
                ext.cols = max(ext.cols, _col_number(a or c))
                ext.rows = max(ext.rows, int(b or d))
        ext.row = ext.rows
    return ext.rows, max(ext.cols, 1 if ext.rows else 0)


class _Extent:
    """Rows and cells followed one by one, counting the ones written without
    ``r`` the way a parser does: each after the one before."""

    def __init__(self):
        self.rows = self.cols = self.row = self.col = 0
        self.exact = False

    def follow(self, chunk: bytes) -> None:
        """A row's or cell's position is the largest ``r`` between its tag and the next one (before the
        first tag, the last one's): a '>' or quotes inside another attribute's value hide none."""
        tags = [(m.start(), m.group(1) == b"row") for m in _TAG.finditer(chunk)]
        refs = [(m.start(), _col_number(m.group(1)), int(m.group(2) or 0)) for m in _REF.finditer(chunk)]
        k = 0
        for i, (_, is_row) in enumerate([(0, None), *tags]):
            end = tags[i][0] if i < len(tags) else len(chunk)
            col = row = 0
            while k < len(refs) and refs[k][0] < end:
                col, row = max(col, refs[k][1]), max(row, refs[k][2])
                k += 1
            if is_row is None:  # the end of a tag the chunk before began
                self.col, self.row = max(self.col, col), max(self.row, row)
            elif is_row:
                self.row, self.col = row or self.row + 1, 0
            else:
                self.col, self.row = col or self.col + 1, max(self.row, row)
            self.rows, self.cols = max(self.rows, self.row), max(self.cols, self.col)


_SHARED_START = re.compile(rb"""<(?:\w+:)?c\b[^>]*?\bt\s*=\s*["']s["']""")

_SHARED_CELL = re.compile(rb"""<(?:\w+:)?c\b[^>]*?\bt\s*=\s*["']s["'][^>]*>\s*<(?:\w+:)?v>\s*(\d+)\s*</""")


def _cell_text(zf: zipfile.ZipFile, name: str, sizes: list[int] | None, longest: int) -> int:
    """Bytes of text a reader gives a worksheet's cells: each shared-string cell a copy of its string, the
    longest where its index cannot be read plainly or the strings' sizes are unknown (``sizes`` None), and
    the part's own bytes as the bound of every inline text."""
    total = zf.getinfo(name).file_size
    for chunk in chunks(zf, name):
        shared = len(_SHARED_START.findall(chunk))
        found = [int(k) for k in _SHARED_CELL.findall(chunk)] if sizes is not None else []
        total += sum(sizes[k] for k in found if k < len(sizes)) if sizes is not None else 0
        total += max(0, shared - len(found)) * longest
    return total
