"""A deterministic corpus of application emails, cached on disk.

Message ``n`` of seed ``s`` is always the same bytes, so a corpus of 200 is the first 200 of
a corpus of 2,000 and the cache grows as needed. Messages are built in two processes.

    python -m bench.corpus --count 2000   # build (or complete) the cache and print its size
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from bench.applicants import Applicant, draw_applicant
from bench.forms import annex1_docx, annex1_pdf, annex2_docx

VERSION = 4  # change when the generator changes: the cache is keyed by it
PROGRAMME = "ipb@opcw.org"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class Corpus:
    folder: Path
    paths: list[Path]

    def messages(self) -> list[bytes]:
        return [path.read_bytes() for path in self.paths]

    def total_bytes(self) -> int:
        return sum(path.stat().st_size for path in self.paths)


def cache_folder(seed: int) -> Path:
    root = Path(os.environ.get("MPP_BENCH_CACHE", Path(tempfile.gettempdir()) / "mpp-bench"))
    return root / f"corpus-v{VERSION}-seed{seed}"


def build_corpus(count: int, *, seed: int = 7, pdf_share: float = 1 / 3) -> Corpus:
    """The first ``count`` messages of the seed's corpus, building those not cached yet."""
    folder = cache_folder(seed) / f"pdf{round(pdf_share * 100)}"
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{n:05d}.eml" for n in range(count)]
    missing = [n for n, path in enumerate(paths) if not path.exists()]
    if len(missing) > 4:
        with ProcessPoolExecutor(2) as pool:
            list(pool.map(_write, [(folder, seed, n, pdf_share) for n in missing], chunksize=16))
    else:
        for n in missing:
            _write((folder, seed, n, pdf_share))
    return Corpus(folder, paths)


def _write(job: tuple[Path, int, int, float]) -> None:
    folder, seed, number, pdf_share = job
    data = application_email(seed, number, pdf_share=pdf_share)
    partial = folder / f".{number:05d}.{os.getpid()}.tmp"
    partial.write_bytes(data)
    partial.replace(folder / f"{number:05d}.eml")


def application_email(seed: int, number: int, *, pdf_share: float = 1 / 3) -> bytes:
    """Message ``number`` of the corpus: a cover note with Annex 1 and Annex 2."""
    rng = random.Random(f"{seed}:{number}")
    applicant = draw_applicant(rng, pdf_share=pdf_share)
    message = _envelope(applicant, rng, seed, number)
    code = applicant.state.code
    if applicant.form_format == "pdf":
        message.add_attachment(
            annex1_pdf(applicant), "application", "pdf", filename=f"Annex1_{code}.pdf"
        )
    else:
        data = annex1_docx(applicant, rng)
        _attach_docx(message, data, f"Annex 1 - application form {code}.docx")
    _attach_docx(message, annex2_docx(applicant), f"Annex2_results_framework_{code}.docx")
    message.set_boundary(f"==bench-{seed}-{number}==")
    return message.as_bytes()


def _envelope(applicant: Applicant, rng: random.Random, seed: int, number: int) -> EmailMessage:
    message = EmailMessage()
    sender = applicant.emails[0]
    message["From"] = f"{applicant.contact} <{sender}>"
    message["To"] = PROGRAMME
    message["Subject"] = f"Mentorship/Partnership Programme application - {applicant.state.name}"
    sent = datetime(2025, 2, 1, 8, tzinfo=UTC) + timedelta(minutes=97 * number)
    message["Date"] = format_datetime(sent)
    message["Message-ID"] = f"<bench-{seed}-{number}@{sender.split('@')[1]}>"
    greeting = rng.choice(("Dear colleagues,", "Dear Sir or Madam,", "Dear Mr Haile,"))
    message.set_content(
        f"{greeting}\n\nPlease find attached the application of the {applicant.authority} "
        "to the Mentorship/Partnership Programme, with the results framework.\n\n"
        f"Kind regards,\n{applicant.contact}\n{applicant.phone}\n"
    )
    return message


def _attach_docx(message: EmailMessage, data: bytes, filename: str) -> None:
    maintype, subtype = DOCX.split("/")
    message.add_attachment(data, maintype, subtype, filename=filename)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the benchmark corpus")
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    corpus = build_corpus(args.count, seed=args.seed)
    size = corpus.total_bytes()
    print(f"{len(corpus.paths)} messages, {size / 1e6:.1f} MB in {corpus.folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
