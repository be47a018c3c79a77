"""Documents to fields. Entry points: ``parse_attachment`` and ``merge_documents``.

``parse_attachment`` reads one attachment (docx, text PDF, fillable PDF, plain text, scanned
PDFs and pictures of pages through OCR, .doc/.odt/.rtf through LibreOffice) in a sandboxed
child process and never raises; ``merge_documents`` combines the
documents of one message into the application's ``FormData``.

Besides the Annex 1 fields of ``ANNEX1_FIELDS``, an application form's ``fields`` carry
``state_party_code`` and ``region`` (looked up from ``state_party``) and ``mode_ticks`` (every
mode ticked, so that "both ticked" can be told from "none ticked").
"""

from parsers.limits import ParseLimits, limits_from_settings
from parsers.merge import merge_documents
from parsers.normalise import StateParty, lookup_state_party
from parsers.sandbox import parse_attachment

__all__ = [
    "ParseLimits",
    "StateParty",
    "limits_from_settings",
    "lookup_state_party",
    "merge_documents",
    "parse_attachment",
]
