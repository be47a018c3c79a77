"""Why a document could not be read, as exceptions that carry their ParseProblem code.

All derive from ``common.errors.ParserError``; the sandbox turns each into an
``ExtractedDocument`` with role "other" and a ``ParseProblem`` of the same code.
"""

from __future__ import annotations

from common.errors import ParserError, ParserLimitExceeded


class DocumentEncrypted(ParserError):
    """The document is password-protected (an encrypted PDF, an encrypted Word package)."""


class UnsupportedDocument(ParserError):
    """The bytes are no format mpp reads (or a macro-enabled document, refused on purpose)."""


class ConversionUnavailable(ParserError):
    """A known document format that needs converting first (.doc, .odt, .rtf)."""


def problem_code(error: BaseException) -> str:
    """The ParseProblem code for an error raised while reading a document (a library error
    caused by running out of memory or stack counts as a limit)."""
    if any(
        isinstance(e, ParserLimitExceeded | MemoryError | RecursionError) for e in _chain(error)
    ):
        return "PARSE_LIMIT"
    if isinstance(error, DocumentEncrypted):
        return "ENCRYPTED"
    if isinstance(error, UnsupportedDocument):
        return "UNSUPPORTED_FORMAT"
    if isinstance(error, ConversionUnavailable):
        return "CONVERSION_UNAVAILABLE"
    return "PARSE_FAILED"


def _chain(error: BaseException) -> list[BaseException]:
    """The error and the errors that caused it."""
    found: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in found and len(found) < 20:
        found.append(current)
        current = current.__cause__ or current.__context__
    return found
