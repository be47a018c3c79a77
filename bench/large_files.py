"""Large applications for the large-input benchmark, cached beside the corpus: a scanned PDF
of about 25 MB (the official form typed in, rendered at 300 dpi with scanner noise, its pages
repeated as a scan of several copies) and a .docx of about 10 MB (the form with a large
photograph in it)."""

from __future__ import annotations

import io
import math
import random
from email.message import EmailMessage

from PIL import Image

from bench.applicants import draw_applicant
from bench.corpus import DOCX, cache_folder
from bench.forms import annex1_docx, noise_jpeg
from tests.parsers.scan_builders import official_form_pdf, page_images

SCAN_BYTES = 25_000_000  # under the default 25 MiB parser limit, as a large real scan
DOCX_BYTES = 10_000_000


def large_message(kind: str, *, scale: float = 1.0, seed: int = 7) -> bytes:
    """The cached message: ``kind`` is "scan" or "docx"; ``scale`` shrinks its size (for a
    quick run)."""
    path = cache_folder(seed) / f"large-{kind}-x{scale:g}-a4.eml"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        if kind == "scan":
            data = _scan_message(int(SCAN_BYTES * scale))
        else:
            data = _docx_message(int(DOCX_BYTES * scale), seed)
        path.write_bytes(data)
    return path.read_bytes()


def scanned_pdf(target: int = SCAN_BYTES) -> bytes:
    """An image-only PDF of about ``target`` bytes (never above the 25 MiB limit): JPEG
    pages, as scanners make them; enough pages, then the JPEG quality lowered to fit."""
    pages = [_noisy(page) for page in page_images(official_form_pdf(), dpi=300)]
    per_page = len(_pdf(pages, 95)) / len(pages)
    scan = [pages[n % len(pages)] for n in range(max(1, math.ceil(target / per_page)))]
    ceiling = min(target * 1.02, 25 * 1024 * 1024 - 65536)
    for quality in range(95, 40, -1):
        data = _pdf(scan, quality)
        if len(data) <= ceiling:
            return data
    return data


def _pdf(pages: list[Image.Image], quality: int) -> bytes:
    buffer = io.BytesIO()
    # at 300 dpi the pages are A4, as a scanner makes them (Pillow's default of 72 dpi would
    # make each page over a metre tall)
    pages[0].save(
        buffer,
        format="PDF",
        save_all=True,
        append_images=pages[1:],
        quality=quality,
        resolution=300.0,
    )
    return buffer.getvalue()


def _noisy(page: Image.Image) -> Image.Image:
    noise = Image.effect_noise(page.size, 40)
    return Image.blend(page, noise, 0.15).convert("RGB")


def _jpeg(image: Image.Image, quality: int) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def _envelope(subject: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Ms Large Applicant <large.applicant@na-example.example.org>"
    message["To"] = "ipb@opcw.org"
    message["Subject"] = subject
    message["Message-ID"] = "<large-input@na-example.example.org>"
    message.set_content("Please find our application attached.\n")
    return message


def _scan_message(size: int) -> bytes:
    message = _envelope("Application (scanned)")
    pdf = scanned_pdf(size)
    message.add_attachment(pdf, "application", "pdf", filename="application-scan.pdf")
    return message.as_bytes()


def _docx_message(size: int, seed: int) -> bytes:
    rng = random.Random(f"{seed}:large-docx")
    applicant = draw_applicant(rng, pdf_share=0.0)
    form = annex1_docx(applicant, rng)
    picture = noise_jpeg(rng, max(16_000, size - len(form)))
    document = _with_picture(form, picture)
    message = _envelope("Application with photographs")
    maintype, subtype = DOCX.split("/")
    message.add_attachment(document, maintype, subtype, filename="Annex 1 application.docx")
    return message.as_bytes()


def _with_picture(form: bytes, picture: bytes) -> bytes:
    import docx

    document = docx.Document(io.BytesIO(form))
    document.add_paragraph().add_run().add_picture(io.BytesIO(picture))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def describe(kind: str, raw: bytes) -> str:
    what = "scanned PDF" if kind == "scan" else ".docx with a photograph"
    return f"{what}: message of {len(raw) / 1e6:.1f} MB"
