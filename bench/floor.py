"""The floor: the documents of the corpus opened by the bare libraries in one process.

    python -m bench.floor [--messages 2000] [--pdf-share 0.33]

python-docx opens each .docx and walks its paragraphs and table cells; pdfplumber opens each
PDF and extracts the text of every page. No sandbox, no fields, no database: what reading
the same bytes costs at the least. The attachments are taken out of the messages first
(not timed).
"""

from __future__ import annotations

import argparse
import email
import email.policy
import io
import sys
import time

import docx
import pdfplumber

from bench.corpus import build_corpus


def attachments(messages: list[bytes]) -> list[tuple[str, bytes]]:
    found = []
    for raw in messages:
        message = email.message_from_bytes(raw, policy=email.policy.default)
        for part in message.iter_attachments():  # type: ignore[attr-defined]
            data = part.get_payload(decode=True)
            if isinstance(data, bytes):
                found.append((part.get_filename() or "", data))
    return found


def open_bare(filename: str, data: bytes) -> int:
    """Characters of text the bare library reads from the document."""
    if filename.lower().endswith(".pdf"):
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return sum(len(page.extract_text() or "") for page in pdf.pages)
    if filename.lower().endswith(".docx"):
        document = docx.Document(io.BytesIO(data))
        size = sum(len(paragraph.text) for paragraph in document.paragraphs)
        for table in document.tables:
            for row in table.rows:
                size += sum(len(cell.text) for cell in row.cells)
        return size
    return 0


def floor_seconds(messages: list[bytes]) -> float:
    documents = attachments(messages)
    started = time.perf_counter()
    for filename, data in documents:
        open_bare(filename, data)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--pdf-share", type=float, default=1 / 3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    messages = build_corpus(args.messages, seed=args.seed, pdf_share=args.pdf_share).messages()
    seconds = floor_seconds(messages)
    count = len(attachments(messages))
    print(
        f"floor: {count} documents of {len(messages)} messages opened in {seconds:.2f} s "
        f"({1000 * seconds / max(count, 1):.1f} ms/document, "
        f"{len(messages) / seconds:.1f} messages/s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
