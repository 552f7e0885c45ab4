"""What calamine will hold of a workbook's shared strings, measured before it reads them: their declared
count, the longest string, and each one's size in calamine's order where a byte search can find them."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass

from rectikit.base.errors import InputFileError
from rectikit.files.guardparts import ATTRS, attr, calamine_strings_part, chunks, whole_tags

_SI = re.compile(rb"<(?:\w+:)?si[\s/>]")  # calamine expands <si/> into an empty string of its own


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


_SST_START = re.compile(rb"<(?:\w+:)?sst(?=[\s/>])")

_SST_TAG = re.compile(rb"<(?:\w+:)?sst(?=[\s/>])" + ATTRS + rb">")

_HIDING = re.compile(rb"<!|<\?(?!xml\s)")  # a comment, CDATA, or a processing instruction after the declaration


def check_shared_strings(zf: zipfile.ZipFile, file: str, max_cells: int) -> SharedStrings:
    """Measure the shared strings calamine will read, once their declared count is found possible.

    calamine sets aside room for as many strings as the table's ``uniqueCount`` says before it reads
    one: a 1 KB file declaring ten billion made it ask for 240 GB and abort the process. A string takes
    at least five bytes of the table (``<si/>``), and a writer that counts references instead of strings
    counts no more than the cells a sheet may hold; a count beyond both is refused. The longest string
    is found by splitting on Excel's plain ``<si>`` (a string cut by a chunk's end carried on into the
    next): three times faster than a regex. A string tag in another form (attributes, a prefix, <si/>)
    is no cut there, so strings are only ever measured together, never cut short; markup that could show
    a false tag to a byte search is parsed instead (:func:`_parsed_longest`)."""
    part = calamine_strings_part(zf)
    if part is None:
        return SharedStrings()
    size = zf.getinfo(part).file_size
    longest = run = 0
    started = False  # the part before the first <si> is the table's own header, unless strings are in it
    hidden = declared = strings_before = False
    after = 6  # the declaration <?xml at the start is no processing instruction
    for chunk in chunks(zf, part):
        if not declared and b"sst" in chunk:  # the table's own tag comes first, unless markup hides it
            declared = _check_declared_count(chunk, file, size, max_cells)
        if not hidden and (b"<!" in chunk or chunk.find(b"<?", after) >= 0):
            hidden = _HIDING.search(chunk) is not None
        after = 0
        if hidden:
            break  # parsed below, the declared count with it
        parts = chunk.split(b"<si>")
        if not started:
            strings_before = strings_before or b"si" in parts[0]
        if len(parts) == 1:
            run += len(chunk)
            continue
        if started or strings_before:
            longest = max(longest, run + len(parts[0]))
        if len(parts) > 2:
            longest = max(longest, *map(len, parts[1:-1]))
        run, started = len(parts[-1]), True
    if hidden:
        return SharedStrings(_parsed_longest(zf, part, file, max_cells), part, exact=False)
    return SharedStrings(max(longest, run) if started or strings_before else 0, part)


def _check_declared_count(chunk: bytes, file: str, size: int, max_cells: int) -> bool:
    """Refuse every table tag in the chunk whose uniqueCount no table of ``size`` bytes could hold;
    whether there was one."""
    tags = whole_tags(_SST_START, _SST_TAG, chunk, file)
    for tag in tags:
        declared = attr(tag, b"uniqueCount").strip().lstrip("+")
        if declared.isdigit():
            _refuse_count(int(declared), file, size, max_cells)
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
    reads only its <t> runs, so never more). The table's tag (the first of that name, wherever it stands,
    is the one calamine reads) has its declared count checked too."""
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
                    count = el.get("uniqueCount", "").strip().lstrip("+")
                    if etree.QName(el).localname == "sst" and count.isdigit():
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
