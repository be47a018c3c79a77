"""The limits every document is read under, and the outside programs the readers may call."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the sandbox helper never loads the settings machinery
    from common.settings import ParserSettings


@dataclass(frozen=True)
class ParseLimits:
    """Size, time and memory limits of the parser sandbox, limits inside the readers, and the
    commands of the optional converters (OCR for scans, LibreOffice for legacy formats)."""

    max_input_bytes: int = 25 * 1024 * 1024  # larger attachments are not read at all
    timeout_seconds: float = 30.0  # the reading process is killed after this
    memory_bytes: int = 1024 * 1024 * 1024  # RLIMIT_AS of the reading process
    max_unzipped_bytes: int = 200 * 1024 * 1024  # sum of a .docx package's declared sizes
    max_part_bytes: int = 64 * 1024 * 1024  # one XML part of a .docx
    max_zip_ratio: int = 200  # uncompressed/compressed size of one part (zip bomb)
    max_zip_entries: int = 5000
    max_pages: int = 40  # PDF pages read; the rest are reported as not read
    max_text_chars: int = 200_000  # plain text kept on the ExtractedDocument
    scan_timeout_seconds: float = 120.0  # reading a scan or a picture, OCR included
    ocr_max_pages: int = 10  # pages of a scan that are recognised; the rest are reported
    ocr_dpi: int = 300  # resolution scanned PDF pages are rendered at for OCR
    ocr_languages: str = "eng+fra+spa"  # Tesseract languages, those installed are used
    max_image_pixels: int = 60_000_000  # larger pictures are refused (decompression bombs)
    tesseract_command: str = "tesseract"  # name or path; OCR is unavailable without it
    conversion_timeout_seconds: float = 60.0  # converting a .doc, .odt or .rtf to .docx
    libreoffice_command: str = "soffice"  # name or path; conversion is unavailable without it
    documents_per_process: int = 100  # documents one reading process reads before it is replaced

    @property
    def longest_seconds(self) -> float:
        """The most time any document may take (a scan, or a conversion and its reading)."""
        return max(
            self.timeout_seconds,
            self.scan_timeout_seconds,
            self.conversion_timeout_seconds + self.timeout_seconds,
        )


def limits_from_settings(settings: ParserSettings) -> ParseLimits:
    """The limits the ``[parsers]`` section of the configuration sets (others default)."""
    return ParseLimits(
        max_input_bytes=settings.max_bytes,
        timeout_seconds=settings.timeout_seconds,
        memory_bytes=settings.memory_mb * 1024 * 1024,
        scan_timeout_seconds=settings.scan_timeout_seconds,
        ocr_max_pages=settings.ocr_max_pages,
        ocr_dpi=settings.ocr_dpi,
        ocr_languages=settings.ocr_languages,
        tesseract_command=settings.tesseract_command,
        conversion_timeout_seconds=settings.conversion_timeout_seconds,
        libreoffice_command=settings.libreoffice_command,
        documents_per_process=settings.documents_per_process,
    )
