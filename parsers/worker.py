"""What runs inside the sandbox process: bytes -> layout -> ExtractedDocument, and the
tasks a reading process is asked for (``TASKS``).

Imported by the sandbox helper ahead of time, so a forked child starts with every reader
loaded. Nothing here may let an exception out: every failure becomes a ParseProblem.
"""

from __future__ import annotations

import resource
import shutil
from collections.abc import Callable

from parsers.convert import read_converted
from parsers.docx_reader import read_docx
from parsers.errors import (
    DocumentEncrypted,
    UnsupportedDocument,
    problem_code,
)
from parsers.extract import extract_document
from parsers.forms import BLANK_FORMS
from parsers.layout import Layout
from parsers.limits import ParseLimits
from parsers.model import ExtractedDocument, ParseProblem
from parsers.pdf_reader import read_pdf
from parsers.scan import read_picture
from parsers.sniff import looks_like_document, sniff
from parsers.text_reader import read_text
from parsers.transport import Request, encode_document

_ENCRYPTED_OFFICE = "EncryptedPackage".encode("utf-16-le")
_WORD_97 = "WordDocument".encode("utf-16-le")


def warm_up() -> None:
    """Load the label sets, month names and State Parties, and read the blank forms, once
    before children are forked: each child then starts with what the readers build on
    their first document."""
    from parsers.annex2 import area_number
    from parsers.dates import parse_date
    from parsers.normalise import lookup_state_party
    from parsers.roles import decide_role
    from parsers.signature import decide_signature

    area_number("Education and outreach")
    parse_date("1 January 2025")
    lookup_state_party("Kenya")
    decide_role([], False)
    decide_signature([], False)
    for form in sorted(BLANK_FORMS.glob("annex*.*")):  # what the readers set up on first use
        read_document(form.name, form.read_bytes(), ParseLimits())
    import intake.mime_sandbox  # noqa: F401  # the message task's modules


def _document_task(request: Request) -> list[bytes]:
    return [encode_document(read_document(request.name, request.data, request.limits))]


def _message_task(request: Request) -> list[bytes]:
    from intake.mime_sandbox import message_answer  # MIME is intake's; it runs here too

    return message_answer(request)


# What a reading process does with a request, by its task: the answer's bytes, in pieces
# (written one after another, so that a large answer is never joined into one copy).
TASKS: dict[str, Callable[[Request], list[bytes]]] = {
    "document": _document_task,
    "message": _message_task,
}


def find_tools(limits: ParseLimits) -> None:
    """Look up the optional programs once in the helper, so forked children know them."""
    from parsers.convert import network_can_be_dropped
    from parsers.ocr import installed_languages, tesseract_path

    program = tesseract_path(limits)
    if program is not None:
        installed_languages(program)
    if shutil.which(limits.libreoffice_command) is not None:
        network_can_be_dropped()


def read_document(filename: str, data: bytes, limits: ParseLimits) -> ExtractedDocument:
    """Read one attachment in this process; never raises."""
    kind = sniff(data)
    try:
        layout = read_layout(kind, data, limits)
        return extract_document(layout, filename, limits.max_text_chars)
    except UnsupportedDocument as error:
        if filename.lower().endswith(".zip") and kind == "docx-zip":
            return ExtractedDocument(filename, "other", format="zip")
        if kind == "image" and not looks_like_document(filename, kind):
            return ExtractedDocument(filename, "other", format="image")
        return failed(filename, error, kind)
    except (Exception, MemoryError, RecursionError) as error:
        return failed(filename, error, kind)


def read_layout(kind: str, data: bytes, limits: ParseLimits) -> Layout:
    if kind == "pdf":
        return read_pdf(data, limits)
    if kind == "docx-zip":
        return read_docx(data, limits)
    if kind == "image":
        return read_picture(data, limits)
    if kind == "text":
        return read_text(data[: limits.max_input_bytes])
    if kind in ("odt", "rtf"):
        return read_converted(data, kind, limits)
    if kind == "ole":
        if _ENCRYPTED_OFFICE in data:
            raise DocumentEncrypted("the Office document is protected by a password")
        if _WORD_97 in data:
            return read_converted(data, "doc", limits)
        raise UnsupportedDocument("an Office file that is not a Word document")
    raise UnsupportedDocument(f"not a document mpp reads ({kind})")


def failed(filename: str, error: BaseException, kind: str) -> ExtractedDocument:
    """The document that stands for one that could not be read."""
    message = str(error) or type(error).__name__
    out_of_memory = near_memory_limit()
    code = "PARSE_LIMIT" if out_of_memory else problem_code(error)
    if out_of_memory:
        message = f"out of memory ({message})"
    problem = ParseProblem(code, f"{filename}: {message}"[:500])
    return ExtractedDocument(filename, "other", problems=(problem,), format=_format(kind))


def near_memory_limit(share: float = 0.9) -> bool:
    """Whether this process came close to its address-space limit (its peak reached
    ``share`` of it): then a library error is most likely an allocation that failed (they
    surface as many kinds of error)."""
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY:
        return False
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            peak = next(line for line in status if line.startswith("VmPeak:"))
    except (OSError, StopIteration):
        return False
    return int(peak.split()[1]) * 1024 >= share * soft


def _format(kind: str) -> str:
    names = {"docx-zip": "docx", "pdf": "pdf", "image": "image", "odt": "odt", "rtf": "rtf"}
    return names.get(kind, "other")
