"""Fixtures of the parser tests: documents are read through the real sandbox."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from parsers import parse_attachment
from parsers.model import ExtractedDocument


@pytest.fixture
def parse() -> Callable[[str, bytes], ExtractedDocument]:
    return lambda filename, data: parse_attachment(filename, data)


def value(doc: ExtractedDocument, name: str):
    """A field's value, failing clearly when the field was not found at all."""
    assert name in doc.fields, f"{name} not found; fields: {sorted(doc.fields)}"
    return doc.fields[name].value
