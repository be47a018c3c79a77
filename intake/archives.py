"""Unpacking .zip attachments within limits, so a zip bomb or an encrypted archive stops nothing."""

from __future__ import annotations

import io
import mimetypes
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from intake.filenames import safe_filename

ZIP_TYPES = frozenset({"application/zip", "application/x-zip-compressed", "application/x-zip"})
_KNOWN_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".doc": "application/msword",
    ".pdf": "application/pdf",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".rtf": "application/rtf",
}
_JUNK_NAMES = frozenset({".ds_store", "thumbs.db", "desktop.ini"})
# Documents that are zip files inside: opened by the parsers, never unpacked here.
_PACKAGE_EXTENSIONS = frozenset(
    {".docx", ".docm", ".dotx", ".dotm", ".xlsx", ".xlsm", ".pptx", ".odt", ".ods", ".odp"}
)
_PACKAGE_MARKERS = ("[Content_Types].xml", "mimetype")
_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, ValueError)
_ZIP_READ_ERRORS = (*_READ_ERRORS, NotImplementedError, zipfile.LargeZipFile)


@dataclass(frozen=True)
class ZipLimits:
    """How much of one archive (and the archives inside it) is read."""

    max_members: int = 200
    max_total_bytes: int = 100 * 1024 * 1024  # uncompressed, all members of one top-level zip
    max_ratio: int = 200  # uncompressed / compressed size of one member
    max_nesting: int = 3  # a zip inside a zip inside a zip


@dataclass(frozen=True)
class ZipMember:
    """One file taken out of an archive; ``path`` lists the archives it was found in."""

    filename: str
    content_type: str
    data: bytes
    path: tuple[str, ...]


class _DocumentPackage(Exception):
    """The zip is an Office or OpenDocument file, to be kept whole."""


def is_zip(filename: str, content_type: str) -> bool:
    """Whether an attachment is a .zip archive, by its type or its name (a .docx is not)."""
    extension = "." + filename.lower().rpartition(".")[2] if "." in filename else ""
    if extension in _PACKAGE_EXTENSIONS:
        return False
    return content_type in ZIP_TYPES or extension == ".zip"


def unpack_zip(
    data: bytes, name: str, defects: list[str], limits: ZipLimits = ZipLimits()
) -> list[ZipMember] | None:
    """The files in a zip (nested zips opened too); None when it cannot be opened at all or
    is a document packaged as a zip (a .docx sent as application/zip), to be kept whole.

    Members skipped for a limit, encryption or damage are named in ``defects``.
    """
    budget = [limits.max_total_bytes]
    try:
        return list(_members(data, (name,), defects, limits, budget))
    except _DocumentPackage:
        return None
    except _ZIP_READ_ERRORS as exc:
        defects.append(f"zip {name!r} cannot be opened: {exc}")
        return None


def _members(
    data: bytes, path: tuple[str, ...], defects: list[str], limits: ZipLimits, budget: list[int]
) -> Iterator[ZipMember]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if any(name in archive.NameToInfo for name in _PACKAGE_MARKERS):
            raise _DocumentPackage(path[-1])
        infos = [info for info in archive.infolist() if not _is_skipped(info)]
        if len(infos) > limits.max_members:
            defects.append(
                f"zip {path[-1]!r} has {len(infos)} files; only the first "
                f"{limits.max_members} were read"
            )
            infos = infos[: limits.max_members]
        for info in infos:
            content = _read_member(archive, info, path[-1], defects, limits, budget)
            if content is None:
                continue
            filename = safe_filename(_member_name(info))
            if is_zip(filename, "") and len(path) < limits.max_nesting:
                yield from _nested(content, (*path, filename), defects, limits, budget)
                continue
            if is_zip(filename, ""):
                defects.append(
                    f"zip {filename!r} inside {path[-1]!r} is nested too deep; kept as is"
                )
            yield ZipMember(filename, _guess_type(filename), content, path)


def _nested(
    data: bytes, path: tuple[str, ...], defects: list[str], limits: ZipLimits, budget: list[int]
) -> Iterator[ZipMember]:
    try:
        yield from list(_members(data, path, defects, limits, budget))
    except _DocumentPackage:
        yield ZipMember(path[-1], _guess_type(path[-1]), data, path[:-1])
    except _ZIP_READ_ERRORS as exc:
        defects.append(f"zip {path[-1]!r} inside {path[-2]!r} cannot be opened: {exc}")
        yield ZipMember(path[-1], "application/zip", data, path[:-1])


def _read_member(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    zip_name: str,
    defects: list[str],
    limits: ZipLimits,
    budget: list[int],
) -> bytes | None:
    """The member's bytes, read no further than the remaining budget; None when skipped."""
    label = f"{info.filename!r} in zip {zip_name!r}"
    if info.flag_bits & 0x1:
        defects.append(f"{label} is encrypted and was skipped")
        return None
    if info.file_size > budget[0]:
        defects.append(f"{label} is larger than the unpacking limit and was skipped")
        return None
    if info.file_size > limits.max_ratio * max(info.compress_size, 1):
        defects.append(f"{label} is compressed suspiciously well (zip bomb?) and was skipped")
        return None
    try:
        with archive.open(info) as handle:
            content = handle.read(budget[0] + 1)
    except _READ_ERRORS as exc:
        defects.append(f"{label} cannot be read: {exc}")
        return None
    if len(content) > budget[0] or len(content) > limits.max_ratio * max(info.compress_size, 1):
        defects.append(f"{label} unpacks beyond the declared size or limit and was skipped")
        return None
    budget[0] -= len(content)
    return content


def _is_skipped(info: zipfile.ZipInfo) -> bool:
    """Folders and the hidden files archivers add (macOS resource forks, thumbnails)."""
    name = info.filename.replace("\\", "/")
    base = name.rsplit("/", 1)[-1]
    return (
        info.is_dir()
        or name.startswith("__MACOSX/")
        or base.startswith("._")
        or base.lower() in _JUNK_NAMES
    )


def _member_name(info: zipfile.ZipInfo) -> str:
    """Names without the UTF-8 flag are decoded as CP437 by zipfile; many are UTF-8 in fact."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _guess_type(filename: str) -> str:
    extension = "." + filename.rpartition(".")[2].lower()
    if extension in _KNOWN_TYPES:
        return _KNOWN_TYPES[extension]
    return mimetypes.guess_type(filename, strict=False)[0] or "application/octet-stream"
