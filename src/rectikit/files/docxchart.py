"""Native Word charts: a DrawingML chart part with its data embedded as a
workbook, placed inline in a paragraph.

Staff restyle and edit such a chart in Word or WPS ("编辑数据" opens the
embedded table), LibreOffice renders it, and the machine that builds the
report needs no CJK font, since nothing is drawn here. python-pptx writes the
chart XML and the embedded workbook (its chart machinery is the well-kept
one); this module only packs them into the .docx.
"""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

CHART_CT = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
XLSX_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RT_CHART = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart"
RT_PACKAGE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/package"
NS = {
    "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
}
EMU_PER_MM = 36000
KINDS = ("pie", "bar", "column", "line")


def _chart_type(kind: str):
    from pptx.enum.chart import XL_CHART_TYPE

    return {
        "pie": XL_CHART_TYPE.PIE,
        "bar": XL_CHART_TYPE.BAR_CLUSTERED,
        "column": XL_CHART_TYPE.COLUMN_CLUSTERED,
        "line": XL_CHART_TYPE.LINE_MARKERS,
    }[kind]


def chart_space(
    kind: str,
    title: str,
    categories: Sequence[str],
    values: Sequence[float],
    series: str,
    font: str,
    number_format: str = "General",
) -> tuple[bytes, bytes]:
    """The chart part's XML and its embedded workbook: one series, value labels on (in ``number_format``,
    a pie's as its category and value, never a percentage the renderer rounds its own way), every
    category's label shown, a title."""
    from pptx.chart.data import CategoryChartData
    from pptx.chart.xmlwriter import ChartXmlWriter

    if kind == "bar":  # a bar chart lists its first category at the bottom: reverse so the largest is on top
        categories, values = list(reversed(categories)), list(reversed(values))
    data = CategoryChartData(number_format=number_format)
    data.categories = list(categories)
    data.add_series(series, list(values))
    root = etree.fromstring(ChartXmlWriter(_chart_type(kind), data).xml.encode())
    chart = root.find("c:chart", NS)
    chart.insert(0, _title(title, font))
    chart.find("c:autoTitleDeleted", NS).set("val", "0")
    plot = chart.find("c:plotArea", NS)
    group = plot[0] if plot[0].tag != f"{{{NS['c']}}}layout" else plot[1]
    labels = etree.SubElement(group.find("c:ser", NS), f"{{{NS['c']}}}dLbls")
    pie = kind == "pie"
    fmt = etree.SubElement(labels, f"{{{NS['c']}}}numFmt")
    fmt.set("formatCode", number_format)
    fmt.set("sourceLinked", "0")
    for tag, val in (
        ("showLegendKey", "0"),
        ("showVal", "1"),
        ("showCatName", "1" if pie else "0"),
        ("showSerName", "0"),
        ("showPercent", "0"),
        ("showBubbleSize", "0"),
    ):
        etree.SubElement(labels, f"{{{NS['c']}}}{tag}").set("val", val)
    for axis in plot.findall("c:catAx", NS):  # every category named: renderers skip labels that crowd
        _every_label(axis, turn=kind in ("column", "line") and len(categories) > 8)
    _move_before(group.find("c:ser", NS), labels, ("cat", "val"))
    if kind != "pie":
        legend = chart.find("c:legend", NS)
        if legend is not None:
            chart.remove(legend)
    root.append(_text_font(font))
    ext = etree.SubElement(root, f"{{{NS['c']}}}externalData")
    ext.set(f"{{{NS['r']}}}id", "rId1")
    etree.SubElement(ext, f"{{{NS['c']}}}autoUpdate").set("val", "0")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True), data.xlsx_blob


def _every_label(axis, turn: bool) -> None:
    """Show every category's label on a category axis (tickLblSkip 1); ``turn`` them 45 degrees where many
    stand side by side under columns."""
    c = NS["c"]
    skip = etree.Element(f"{{{c}}}tickLblSkip")
    skip.set("val", "1")
    later = [axis.find(f"c:{t}", NS) for t in ("tickMarkSkip", "noMultiLvlLbl", "extLst")]
    anchor = next((e for e in later if e is not None), None)
    if anchor is not None:
        anchor.addprevious(skip)
    else:
        axis.append(skip)
    if turn:
        tx = etree.Element(f"{{{c}}}txPr")
        etree.SubElement(tx, f"{{{NS['a']}}}bodyPr", rot="-2700000", vert="horz")
        etree.SubElement(tx, f"{{{NS['a']}}}lstStyle")
        etree.SubElement(etree.SubElement(tx, f"{{{NS['a']}}}p"), f"{{{NS['a']}}}pPr").append(
            etree.Element(f"{{{NS['a']}}}defRPr")
        )
        before = [axis.find(f"c:{t}", NS) for t in ("crossAx",)]
        if before[0] is not None and axis.find("c:txPr", NS) is None:
            before[0].addprevious(tx)


def _move_before(series, labels, later: tuple[str, ...]) -> None:
    """dLbls belongs just before a series' cat (or val), after its marker, dPt and the like (schema order)."""
    for child in series:
        if etree.QName(child).localname in later:
            child.addprevious(labels)
            return


def _title(text: str, font: str):
    c, a = NS["c"], NS["a"]
    title = etree.Element(f"{{{c}}}title")
    rich = etree.SubElement(etree.SubElement(title, f"{{{c}}}tx"), f"{{{c}}}rich")
    etree.SubElement(rich, f"{{{a}}}bodyPr")
    p = etree.SubElement(rich, f"{{{a}}}p")
    run = etree.SubElement(p, f"{{{a}}}r")
    props = etree.SubElement(run, f"{{{a}}}rPr", lang="zh-CN", sz="1200", b="1")
    etree.SubElement(props, f"{{{a}}}ea", typeface=font)
    etree.SubElement(run, f"{{{a}}}t").text = text
    etree.SubElement(title, f"{{{c}}}overlay").set("val", "0")
    return title


def _text_font(font: str):
    c, a = NS["c"], NS["a"]
    tx = etree.Element(f"{{{c}}}txPr")
    etree.SubElement(tx, f"{{{a}}}bodyPr")
    etree.SubElement(tx, f"{{{a}}}lstStyle")
    p = etree.SubElement(tx, f"{{{a}}}p")
    props = etree.SubElement(etree.SubElement(p, f"{{{a}}}pPr"), f"{{{a}}}defRPr", sz="1000")
    etree.SubElement(props, f"{{{a}}}latin", typeface=font)
    etree.SubElement(props, f"{{{a}}}ea", typeface=font)
    etree.SubElement(p, f"{{{a}}}endParaRPr", lang="zh-CN")
    return tx


def add_chart(
    doc,
    paragraph,
    kind: str,
    title: str,
    categories: Sequence[str],
    values: Sequence[float],
    *,
    series: str = "件数",
    width_mm: float = 150,
    height_mm: float = 85,
    font: str = "宋体",
    number_format: str = "General",
) -> None:
    """Put a native chart inline in ``paragraph`` of the python-docx ``doc``."""
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    if kind not in KINDS:
        raise ValueError(kind)
    xml, workbook = chart_space(kind, title, categories, values, series, font, number_format)
    package = doc.part.package
    n = 1 + sum(1 for p in package.iter_parts() if p.content_type == CHART_CT)
    chart = Part(PackURI(f"/word/charts/chart{n}.xml"), CHART_CT, xml, package)
    embedded = Part(PackURI(f"/word/embeddings/Microsoft_Excel_Sheet{n}.xlsx"), XLSX_CT, workbook, package)
    assert chart.relate_to(embedded, RT_PACKAGE) == "rId1"
    rid = doc.part.relate_to(chart, RT_CHART)
    cx, cy = int(width_mm * EMU_PER_MM), int(height_mm * EMU_PER_MM)
    drawing = etree.fromstring(
        f'<w:drawing xmlns:w="{NS["w"]}" xmlns:wp="{NS["wp"]}" xmlns:a="{NS["a"]}" xmlns:c="{NS["c"]}" '
        f'xmlns:r="{NS["r"]}"><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="{cx}" cy="{cy}"/>'
        f'<wp:effectExtent l="0" t="0" r="0" b="0"/><wp:docPr id="{1000 + n}" name="图表 {n}"/><wp:cNvGraphicFramePr/>'
        f'<a:graphic><a:graphicData uri="{NS["c"]}"><c:chart r:id="{rid}"/></a:graphicData></a:graphic>'
        f"</wp:inline></w:drawing>"
    )
    paragraph.add_run()._r.append(drawing)
