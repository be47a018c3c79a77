"""Content-addressed storage of raw messages and attachments.

A file is kept at ``<root>/<kind>/<aa>/<sha256>``: the name never comes from the sender,
and writing the same bytes twice is harmless.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_atomically(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` so that a reader sees the whole file or none of it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class BlobStore:
    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def path_for(self, kind: str, sha256: str) -> Path:
        if kind not in {"raw", "blobs"} or len(sha256) != 64:
            raise ValueError(f"bad blob address {kind}/{sha256}")
        return self.root / kind / sha256[:2] / sha256

    def put(self, data: bytes, *, kind: str = "blobs") -> str:
        """Store ``data`` (atomically, once) and return its sha256."""
        digest = sha256_hex(data)
        target = self.path_for(kind, digest)
        if not target.exists():
            write_atomically(target, data)
        return digest

    def read(self, sha256: str, *, kind: str = "blobs") -> bytes:
        return self.path_for(kind, sha256).read_bytes()
