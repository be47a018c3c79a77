"""Opening a .docx package safely: zip-bomb, XML-bomb, macro and encryption guards."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from lxml import etree

from common.errors import ParserError, ParserLimitExceeded
from parsers.errors import DocumentEncrypted, UnsupportedDocument
from parsers.limits import ParseLimits

_STRICT_NS = b"http://purl.oclc.org/ooxml/wordprocessingml/main"
_TRANSITIONAL_NS = b"http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_MAIN_PART = "word/document.xml"


@dataclass(frozen=True)
class DocxPackage:
    """The main document XML of a package, parsed, and what the package says about itself."""

    document: etree._Element
    digitally_signed: bool


def open_package(data: bytes, limits: ParseLimits) -> DocxPackage:
    """Check the zip directory before inflating anything, then parse the main part."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise ParserError(f"not a readable Word package: {error}") from error
    with archive:
        infos = archive.infolist()
        _check_directory(infos, limits)
        names = {info.filename for info in infos}
        _refuse_macros(archive, names, limits)
        main = _main_part_name(archive, names, limits)
        xml = _read(archive, main, limits)
    signed = any(name.startswith("_xmlsignatures/") and "sig" in name for name in names)
    return DocxPackage(parse_xml(xml.replace(_STRICT_NS, _TRANSITIONAL_NS)), signed)


def _check_directory(infos: list[zipfile.ZipInfo], limits: ParseLimits) -> None:
    if len(infos) > limits.max_zip_entries:
        raise ParserLimitExceeded(f"the package has {len(infos)} parts")
    if any(info.flag_bits & 0x1 for info in infos):
        raise DocumentEncrypted("the Word package is encrypted")
    total = sum(info.file_size for info in infos)
    if total > limits.max_unzipped_bytes:
        raise ParserLimitExceeded(f"the package would unpack to {total} bytes")
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 1024 * 1024 and ratio > limits.max_zip_ratio:
            raise ParserLimitExceeded(f"part {info.filename} is compressed {ratio:.0f} times")


def _refuse_macros(archive: zipfile.ZipFile, names: set[str], limits: ParseLimits) -> None:
    types = _read(archive, "[Content_Types].xml", limits) if "[Content_Types].xml" in names else b""
    if b"macroEnabled" in types or any(n.lower().endswith("vbaproject.bin") for n in names):
        raise UnsupportedDocument("macro-enabled Word document refused (save it as .docx)")


def _main_part_name(archive: zipfile.ZipFile, names: set[str], limits: ParseLimits) -> str:
    """The officeDocument part named by the package relationships, else word/document.xml."""
    if "_rels/.rels" in names:
        try:
            rels = parse_xml(_read(archive, "_rels/.rels", limits))
        except ParserError:
            rels = None
        for rel in rels.iter(f"{{{_REL_NS}}}Relationship") if rels is not None else ():
            if str(rel.get("Type", "")).endswith("/officeDocument"):
                target = str(rel.get("Target", "")).lstrip("/")
                if target in names:
                    return target
    if _MAIN_PART in names:
        return _MAIN_PART
    raise UnsupportedDocument("the zip file holds no Word document")


def _read(archive: zipfile.ZipFile, name: str, limits: ParseLimits) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > limits.max_part_bytes:
        raise ParserLimitExceeded(f"part {name} is {info.file_size} bytes")
    try:
        with archive.open(info) as handle:
            return handle.read(limits.max_part_bytes + 1)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as error:
        raise ParserError(f"part {name} cannot be read: {error}") from error


def parse_xml(xml: bytes) -> etree._Element:
    """Parse untrusted XML: no DTD, no entities, no network, no huge trees."""
    head = xml[:4096]
    if b"<!DOCTYPE" in head or b"<!ENTITY" in xml:
        raise ParserError("XML with a document type declaration refused")
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        return etree.fromstring(xml, parser=parser)
    except etree.XMLSyntaxError as error:
        raise ParserError(f"malformed XML: {error}") from error
