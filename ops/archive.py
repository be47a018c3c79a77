"""The layout of a backup archive (a .tar.gz), shared by ``backup`` and ``restore``.

    manifest.json                       format, revision, counts and sha256 of every member
    database/<table>.jsonl              one JSON object per row
    storage/raw/<aa>/<sha256>           raw messages, as in the storage folder
    storage/blobs/<aa>/<sha256>         attachments

Names are checked against these patterns when reading: nothing in an archive chooses
where a file is written.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

FORMAT = "mpp-backup"
VERSION = 1
MANIFEST = "manifest.json"
STORED_KINDS = ("raw", "blobs")

TABLE_MEMBER = re.compile(r"database/([a-z_][a-z0-9_]{0,62})\.jsonl")
FILE_MEMBER = re.compile(r"storage/(raw|blobs)/([0-9a-f]{2})/([0-9a-f]{64})")
_STORED_NAME = re.compile(r"[0-9a-f]{64}")


def table_member(table: str) -> str:
    return f"database/{table}.jsonl"


def file_member(kind: str, sha256: str) -> str:
    return f"storage/{kind}/{sha256[:2]}/{sha256}"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def stored_files(storage: Path) -> Iterator[tuple[str, str, Path]]:
    """(kind, sha256 name, path) of every stored file; temporary files are left out."""
    for kind in STORED_KINDS:
        root = storage / kind
        if not root.is_dir():
            continue
        for prefix in sorted(root.iterdir()):
            if not prefix.is_dir():
                continue
            for path in sorted(prefix.iterdir()):
                if _STORED_NAME.fullmatch(path.name) and path.is_file():
                    yield kind, path.name, path
