"""The limits every document is read under."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ParseLimits:
    """Size, time and memory limits of the parser sandbox, and limits inside the readers."""

    max_input_bytes: int = 25 * 1024 * 1024  # larger attachments are not read at all
    timeout_seconds: float = 30.0  # the reading process is killed after this
    memory_bytes: int = 1024 * 1024 * 1024  # RLIMIT_AS of the reading process
    max_unzipped_bytes: int = 200 * 1024 * 1024  # sum of a .docx package's declared sizes
    max_part_bytes: int = 64 * 1024 * 1024  # one XML part of a .docx
    max_zip_ratio: int = 200  # uncompressed/compressed size of one part (zip bomb)
    max_zip_entries: int = 5000
    max_pages: int = 40  # PDF pages read; the rest are reported as not read
    max_text_chars: int = 200_000  # plain text kept on the ExtractedDocument
