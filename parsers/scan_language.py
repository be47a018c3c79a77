"""The language of a scanned page, to read it again with the right OCR language.

A page is read first in the first configured language (English by default: one pass for
most forms). When its lines match the form's labels of another shipped language, or its
common words are mostly that language's, it is read again with that language first, so
that accents and letters come out right ("Côte d'Ivoire", not "Céte d'Ivoire").
"""

from __future__ import annotations

from collections import Counter

from parsers.labels import load_label_sets
from parsers.ocr import OcrWord

# The label sets' languages and Tesseract's names for them.
TESSERACT_CODES = {"en": "eng", "fr": "fra", "es": "spa"}
_COMMON_WORDS = {
    "en": frozenset({"the", "of", "and", "to", "for", "in", "with", "is", "our", "this"}),
    "fr": frozenset({"le", "les", "des", "du", "et", "pour", "dans", "une", "est", "au", "aux"}),
    "es": frozenset({"el", "los", "las", "del", "y", "para", "por", "con", "una", "es", "que"}),
}
_MIN_EVIDENCE = 3


def better_language(words: list[OcrWord], first: str, others: list[str]) -> str | None:
    """The Tesseract language to read the page again in, or None to keep the first pass."""
    if not others:
        return None
    counts = _label_languages(words) + _common_word_languages(words)
    ranked = [(count, language) for language, count in counts.items() if count >= _MIN_EVIDENCE]
    if not ranked:
        return None
    best = TESSERACT_CODES.get(max(ranked)[1])
    return best if best in others and best != first else None


def _label_languages(words: list[OcrWord]) -> Counter[str]:
    """How many of the page's lines are form labels, by the labels' language."""
    sets = load_label_sets()
    counts: Counter[str] = Counter()
    for text in _line_texts(words):
        found = sets.match(text)
        if found is not None:
            counts[found.label.language] += 1
    return counts


def _common_word_languages(words: list[OcrWord]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for word in words:
        text = word.text.lower().strip(".,;:()")
        for language, common in _COMMON_WORDS.items():
            if text in common:
                counts[language] += 1
    return counts


def _line_texts(words: list[OcrWord]) -> list[str]:
    lines: dict[tuple[int, int, int], list[str]] = {}
    for word in words:
        lines.setdefault(word.line, []).append(word.text)
    return [" ".join(texts) for texts in lines.values()]
