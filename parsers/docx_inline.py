"""The inside of a Word paragraph: runs, tracked changes, fields, content controls, symbols,
drawings and text boxes, turned into layout parts (spans and checkboxes)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import etree

from parsers.layout import (
    GLYPH_STATES,
    SYMBOL_BOXES,
    Block,
    Checkbox,
    Paragraph,
    Part,
    Span,
    parts_from_text,
    symbol_box,
)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


_SKIPPED = {
    w("del"),
    w("moveFrom"),
    w("pPr"),
    w("rPr"),
    w("proofErr"),
    w("commentRangeStart"),
    w("commentRangeEnd"),
    w("bookmarkStart"),
    w("bookmarkEnd"),
    f"{{{MC}}}Fallback",
}
_CONTAINERS = {
    w("r"),
    w("hyperlink"),
    w("ins"),
    w("moveTo"),
    w("smartTag"),
    w("customXml"),
    w("fldSimple"),
    w("bdo"),
    w("dir"),
    f"{{{MC}}}AlternateContent",
    f"{{{MC}}}Choice",
}
_DRAWING_MARKS = (
    "blip",
    "imagedata",
    "contentPart",
    "ink",
    "line",
    "polyline",
    "curve",
    "wsp",
    "shape",
    "pic",
)


def on_off(element: etree._Element | None, attribute: str = w("val")) -> bool | None:
    """A WordprocessingML on/off value: present without value is on; None when unreadable."""
    if element is None:
        return False
    value = element.get(attribute)
    if value is None:
        return True
    return {
        "true": True,
        "1": True,
        "on": True,
        "false": False,
        "0": False,
        "off": False,
        "none": False,
    }.get(value.strip().lower())


@dataclass
class ParagraphBuilder:
    """Collects one w:p into one or more paragraphs (a line break starts a new one) plus the
    blocks of any text boxes anchored in it."""

    read_blocks: Callable[[etree._Element], list[Block]]
    parts: list[Part] = field(default_factory=list)
    has_image: bool = False
    done: list[Block] = field(default_factory=list)
    anchored: list[Block] = field(default_factory=list)

    def build(self, paragraph: etree._Element) -> list[Block]:
        self._children(paragraph)
        self._finish()
        return self.done + self.anchored

    def _finish(self) -> None:
        if self.parts or self.has_image:
            self.done.append(Paragraph(tuple(self.parts), self.has_image))
        self.parts, self.has_image = [], False

    def _children(self, element: etree._Element) -> None:
        for child in element:
            tag = child.tag
            if tag in _SKIPPED or not isinstance(tag, str):
                continue
            if tag == w("r"):
                self._run(child)
            elif tag == w("sdt"):
                self._inline_control(child)
            elif tag in _CONTAINERS:
                self._children(child)

    def _run(self, run: etree._Element) -> None:
        style, font = _run_style(run.find(w("rPr")))
        for child in run:
            tag = child.tag
            if tag == w("t"):
                self._text(child.text or "", style, font)
            elif tag == w("tab"):
                self.parts.append(Span("\t"))
            elif tag in (w("br"), w("cr")):
                self._finish()
            elif tag == w("noBreakHyphen"):
                self.parts.append(Span("-", style.bold, style.highlight, style.strike))
            elif tag == w("sym"):
                self._symbol(child)
            elif tag == w("fldChar"):
                self._legacy_checkbox(child)
            elif tag in (w("drawing"), w("pict"), w("object")):
                self._drawing(child)
            elif tag == f"{{{MC}}}AlternateContent":
                choice = child.find(f"{{{MC}}}Choice")
                if choice is not None:
                    self._run(choice)

    def _text(self, text: str, style: Span, font: str) -> None:
        if font not in SYMBOL_BOXES:
            self.parts.extend(parts_from_text(text, style))
            return
        for char in text:
            state = symbol_box(font, ord(char))
            if state is not None:
                self.parts.append(Checkbox(state, "symbol"))

    def _symbol(self, sym: etree._Element) -> None:
        font = (sym.get(w("font")) or "").strip().lower()
        try:
            code = int(sym.get(w("char")) or "", 16)
        except ValueError:
            return
        state = symbol_box(font, code)
        if state is None:
            state = GLYPH_STATES.get(chr(code)) if code < 0x110000 else None
        if state is not None:
            self.parts.append(Checkbox(state, "symbol"))

    def _legacy_checkbox(self, fld_char: etree._Element) -> None:
        box = fld_char.find(f"{w('ffData')}/{w('checkBox')}")
        if box is None or fld_char.get(w("fldCharType")) != "begin":
            return
        checked = box.find(w("checked"))
        default = box.find(w("default"))
        source = checked if checked is not None else default
        state = on_off(source) if source is not None else False
        self.parts.append(Checkbox(state, "legacy"))

    def _inline_control(self, sdt: etree._Element) -> None:
        properties = sdt.find(w("sdtPr"))
        content = sdt.find(w("sdtContent"))
        if properties is not None and properties.find(f"{{{W14}}}checkbox") is not None:
            self.parts.append(_control_checkbox(properties, content))
            return
        if properties is not None and properties.find(w("showingPlcHdr")) is not None:
            return
        if content is not None:
            self._children(content)

    def _drawing(self, drawing: etree._Element) -> None:
        boxes = [e for e in drawing.iter(w("txbxContent"))]
        inside_boxes = {id(e) for box in boxes for e in box.iter()}
        for element in drawing.iter():
            if id(element) in inside_boxes or not isinstance(element.tag, str):
                continue
            local = etree.QName(element).localname
            if local in _DRAWING_MARKS and not _holds_text_box(element):
                self.has_image = True
                break
        for box in boxes:
            if not any(box in other.iterdescendants() for other in boxes if other is not box):
                self.anchored.extend(self.read_blocks(box))


def _holds_text_box(element: etree._Element) -> bool:
    return any(
        etree.QName(e).localname in ("txbx", "textbox", "txbxContent")
        for e in element.iter()
        if isinstance(e.tag, str)
    )


def _control_checkbox(properties: etree._Element, content: etree._Element | None) -> Checkbox:
    """A content-control checkbox: w14:checked, cross-checked against the glyph shown."""
    box = properties.find(f"{{{W14}}}checkbox")
    assert box is not None
    checked_element = box.find(f"{{{W14}}}checked")
    checked = on_off(checked_element, f"{{{W14}}}val") if checked_element is not None else False
    shown = "".join(content.itertext()).strip() if content is not None else ""
    glyph = _glyph_state(box, shown)
    if checked is None or (glyph is not None and glyph != checked):
        return Checkbox(None, "content-control")
    return Checkbox(checked, "content-control")


def _glyph_state(box: etree._Element, shown: str) -> bool | None:
    if len(shown) != 1:
        return None
    for tag, state in (("checkedState", True), ("uncheckedState", False)):
        element = box.find(f"{{{W14}}}{tag}")
        value = element.get(f"{{{W14}}}val") if element is not None else None
        if value and _char_code(value) == ord(shown):
            return state
    return GLYPH_STATES.get(shown)


def _char_code(value: str) -> int | None:
    try:
        return int(value, 16)
    except ValueError:
        return None


def _run_style(properties: etree._Element | None) -> tuple[Span, str]:
    """Bold, highlight and strike of a run (direct formatting), and its symbol font if any."""
    if properties is None:
        return Span(""), ""
    bold = bool(on_off(properties.find(w("b"))))
    strike = bool(on_off(properties.find(w("strike"))) or on_off(properties.find(w("dstrike"))))
    highlight_el = properties.find(w("highlight"))
    shading = properties.find(w("shd"))
    fill = (shading.get(w("fill")) or "").lower() if shading is not None else ""
    highlight = (highlight_el is not None and highlight_el.get(w("val"), "none") != "none") or (
        fill not in ("", "auto", "ffffff")
    )
    fonts = properties.find(w("rFonts"))
    font = ""
    if fonts is not None:
        font = (fonts.get(w("ascii")) or fonts.get(w("hAnsi")) or "").strip().lower()
    return Span("", bold, highlight, strike), font if font in SYMBOL_BOXES else ""
