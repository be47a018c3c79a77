"""The tools the speed benchmark compares, each as: document -> which options it shows ticked.

mpp answers with fields. The general converters (markitdown, unstructured) answer with
text; their ticks are what a reader of that text could tell: an option followed (or
preceded) by a ticked mark (☒ ☑ ✓ ✔ ■ [x] X) counts as ticked, one with an empty mark
(☐ [ ]) as not ticked.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

OPTIONS = {"mode": ("Offering mentorship", "Seeking mentorship"), "sponsorship": ("Yes", "No")}
VALUES = {"Offering mentorship": "offering", "Seeking mentorship": "seeking"}
_TICKED = re.compile(r"☒|☑|✓|✔|■|⊠|\[[xX]\]|\([xX]\)|(?<![\w@.])[xX](?![\w@.])")
_EMPTY = re.compile(r"☐|□|\[ \]|\( \)")
_WINDOW = 40

Ticks = dict[str, set[str]]  # choice -> the options shown ticked
Reader = Callable[[str, bytes], Ticks]


def mpp_reader() -> Reader:
    from parsers import parse_attachment

    def read(filename: str, data: bytes) -> Ticks:
        fields = parse_attachment(filename, data).fields
        mode = fields["mode"].value if "mode" in fields else None
        sponsorship = fields.get("sponsorship_required")
        shown = {True: "Yes", False: "No"}.get(sponsorship.value if sponsorship else None)
        return {
            "mode": {m for m in ("offering", "seeking") if m == mode},
            "sponsorship": {shown} if shown else set(),
        }

    return read


def markitdown_reader() -> Reader:
    from markitdown import MarkItDown

    converter = MarkItDown()

    def read(filename: str, data: bytes) -> Ticks:
        result = converter.convert_stream(io.BytesIO(data), file_extension=Path(filename).suffix)
        return ticks_in_text(result.text_content or "")

    return read


def unstructured_reader() -> Reader:
    from unstructured.partition.auto import partition

    def read(filename: str, data: bytes) -> Ticks:
        elements = partition(file=io.BytesIO(data), metadata_filename=filename, strategy="fast")
        return ticks_in_text("\n".join(str(element) for element in elements))

    return read


TOOLS: dict[str, Callable[[], Reader]] = {
    "mpp": mpp_reader,
    "markitdown": markitdown_reader,
    "unstructured": unstructured_reader,
}


def ticks_in_text(text: str) -> Ticks:
    """The options a reader of ``text`` would take as ticked."""
    found: Ticks = {}
    for choice, options in OPTIONS.items():
        found[choice] = {
            VALUES.get(option, option) for option in options if _marked(text, option, options)
        }
    return found


def _marked(text: str, option: str, options: tuple[str, ...]) -> bool:
    """Whether some mention of ``option`` carries a ticked mark: the nearest mark after it
    on its line (before the next option), else the nearest one before it."""
    for match in re.finditer(rf"(?<!\w){re.escape(option)}(?!\w)", text):
        after = _until_next_option(text[match.end() : match.end() + _WINDOW], options)
        before = text[max(0, match.start() - 6) : match.start()]
        mark = _first_mark(after) or _last_mark(before)
        if mark == "ticked":
            return True
    return False


def _until_next_option(window: str, options: tuple[str, ...]) -> str:
    window = window.split("\n", 1)[0]
    cut = min((i for o in options if (i := window.find(o)) >= 0), default=len(window))
    return window[:cut]


def _last_mark(text: str) -> str | None:
    marks = [(m.start(), "ticked") for m in _TICKED.finditer(text)]
    marks += [(m.start(), "empty") for m in _EMPTY.finditer(text)]
    return max(marks)[1] if marks else None


def _first_mark(text: str) -> str | None:
    ticked, empty = _TICKED.search(text), _EMPTY.search(text)
    if ticked and (not empty or ticked.start() < empty.start()):
        return "ticked"
    return "empty" if empty else None
