"""The documents of the speed benchmark, by format, each with the ticks it carries.

Built from the official forms with the test builders (so every run measures the same
documents): .docx in six tick styles, the same forms as text PDFs (LibreOffice's export,
when LibreOffice is installed, and the official PDF typed in), fillable PDFs, and scans of
the text PDFs; plus the sample attachments of ``../shared/samples`` (speed only).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.truth_compare import SAMPLES, message_attachments
from tests.parsers import builders, pdf_builders, scan_builders

FORMATS = ("docx", "text-pdf", "fillable-pdf", "scan")
STYLES = ("cc", "legacy", "glyph:☒", "glyph:✔", "wingdings", "x-beside")
CHOICES = (("seeking", "Yes"), ("offering", "No"))
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class BenchDocument:
    filename: str
    format: str
    mode: str | None  # the ticked options, when known
    sponsorship: str | None


def build(folder: Path) -> list[BenchDocument]:
    """Write every document into ``folder`` with a manifest; return them."""
    made: list[BenchDocument] = []
    docx_made = _docx(folder, made)
    _text_pdfs(folder, docx_made, made)
    _fillable(folder, made)
    _scans(folder, made)
    _samples(folder, made)
    (folder / MANIFEST).write_text(json.dumps([asdict(d) for d in made], indent=1))
    return made


def load(folder: Path) -> list[BenchDocument]:
    return [BenchDocument(**raw) for raw in json.loads((folder / MANIFEST).read_text())]


def _docx(folder: Path, made: list[BenchDocument]) -> list[BenchDocument]:
    docs = []
    for n, style in enumerate(STYLES):
        for mode, sponsorship in CHOICES:
            name = f"form-{n}-{mode}.docx"
            document = builders.filled(mode=mode, sponsorship=sponsorship, style=style)
            (folder / name).write_bytes(builders.to_bytes(document))
            docs.append(BenchDocument(name, "docx", mode, sponsorship))
    made.extend(docs)
    return docs


def _text_pdfs(folder: Path, docx: list[BenchDocument], made: list[BenchDocument]) -> None:
    """LibreOffice's PDF export of every .docx (one LibreOffice run), and the official PDF
    typed in with an X drawn in each chosen box."""
    soffice = shutil.which("soffice")
    if soffice is not None:
        with tempfile.TemporaryDirectory() as profile:
            command = [soffice, "--headless", f"-env:UserInstallation={Path(profile).as_uri()}"]
            command += ["--convert-to", "pdf", "--outdir", str(folder)]
            command += [str(folder / d.filename) for d in docx]
            subprocess.run(command, check=True, capture_output=True, timeout=600)
        for doc in docx:
            name = doc.filename.replace(".docx", ".pdf")
            made.append(BenchDocument(name, "text-pdf", doc.mode, doc.sponsorship))
    for mode, sponsorship in CHOICES:
        name = f"official-typed-{mode}.pdf"
        data = scan_builders.official_form_pdf(mode=mode.capitalize(), sponsorship=sponsorship)
        (folder / name).write_bytes(data)
        made.append(BenchDocument(name, "text-pdf", mode, sponsorship))


def _fillable(folder: Path, made: list[BenchDocument]) -> None:
    """The official PDF with form fields: text answers and one checkbox per option."""
    for mode, sponsorship in (*CHOICES, ("seeking", "No"), ("offering", "Yes")):
        fields = [
            _text_field("state", "(a) State Party", "Jamaica"),
            _text_field("contact", "(b) Contact person", "Ms Ann Brown"),
            _checkbox("offering", "Partnership mode", 330, mode == "offering"),
            _checkbox("seeking", "Partnership mode", 486, mode == "seeking"),
            _checkbox("yes", "Sponsorship required", 249, sponsorship == "Yes"),
            _checkbox("no", "Sponsorship required", 403, sponsorship == "No"),
        ]
        name = f"fillable-{mode}-{sponsorship}.pdf"
        (folder / name).write_bytes(pdf_builders.with_fields(fields))
        made.append(BenchDocument(name, "fillable-pdf", mode, sponsorship))


def _text_field(name: str, anchor: str, value: str) -> dict:
    page, _, top, _, bottom = pdf_builders.find(anchor)
    rect = pdf_builders.rect_at(page, 226, top, 530, bottom)
    return {"page": page, "rect": rect, "name": name, "kind": "/Tx", "value": value}


def _checkbox(name: str, anchor: str, x0: float, ticked: bool) -> dict:
    page, _, top, _, bottom = pdf_builders.find(anchor)
    rect = pdf_builders.rect_at(page, x0, top, x0 + 10, bottom)
    state = "/Yes" if ticked else "/Off"
    spec = {"page": page, "rect": rect, "name": name, "kind": "/Btn", "on": "/Yes"}
    return {**spec, "shown": state, "value": state}


def _scans(folder: Path, made: list[BenchDocument]) -> None:
    """Image-only PDFs of the typed official forms, and a photographed form (JPEG)."""
    for mode, sponsorship in CHOICES:
        typed = scan_builders.official_form_pdf(mode=mode.capitalize(), sponsorship=sponsorship)
        name = f"scan-{mode}.pdf"
        pages = scan_builders.page_images(typed)
        (folder / name).write_bytes(scan_builders.image_pdf(pages))
        made.append(BenchDocument(name, "scan", mode, sponsorship))
    ticks = {"mode": "Offering mentorship", "sponsorship": "Yes"}
    photo = scan_builders.drawn_form(ticks).convert("RGB")
    (folder / "photo-offering.jpg").write_bytes(scan_builders.picture(photo, "JPEG", quality=85))
    made.append(BenchDocument("photo-offering.jpg", "scan", "offering", "Yes"))


def _samples(folder: Path, made: list[BenchDocument]) -> None:
    """The sample messages' .docx and PDF attachments (ticks not scored)."""
    kinds = {".docx": "docx", ".pdf": "text-pdf"}
    for path in sorted((SAMPLES / "cases").glob("*.eml")):
        for n, (name, data) in enumerate(message_attachments(path)):
            kind = kinds.get(Path(name).suffix.lower())
            if kind is not None:
                stored = f"sample-{path.stem}-{n}{Path(name).suffix.lower()}"
                (folder / stored).write_bytes(data)
                made.append(BenchDocument(stored, kind, None, None))
