"""The form's label sets (data in ``parsers/labels/*.toml``) and matching a line against them.

All languages are matched at once: a French form may keep English labels. The language of a
document is the one whose labels matched most often.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache
from pathlib import Path
from typing import Any

from parsers.textfold import fold, fold_with_map, strip_enumerator

LABEL_DIR = Path(__file__).parent
LANGUAGES: tuple[str, ...] = ("en", "fr", "es")
BOILERPLATE = "boilerplate"
LONG_LABEL_WORDS = 6  # a label this long is matched by its beginning
_PREFIX_CHARS = 48
_SEPARATORS = ":：-–—=|"


@dataclass(frozen=True)
class Label:
    key: str  # a field name, a marker such as "section_preferences", or "boilerplate"
    language: str
    folded: str
    is_long: bool = False  # matched by its beginning (see LONG_LABEL_WORDS)


@dataclass(frozen=True)
class LabelMatch:
    """A line that is a label. ``remainder`` is the original text after the label (an answer
    typed on the same line); ``pending`` is the rest of a long label that continues on the
    next lines (a wrapped instruction)."""

    label: Label
    remainder_start: int | None  # index in the line's text where the answer starts
    pending: str = ""


@dataclass(frozen=True)
class LabelSets:
    """Every language's labels, ready for matching."""

    labels: tuple[Label, ...]
    options: dict[str, dict[str, tuple[str, ...]]]  # field -> value -> folded option texts
    raw: dict[str, dict[str, Any]]  # language -> the parsed TOML, for the other sections
    by_first_word: dict[str, tuple[Label, ...]]  # a line can only be a label that starts alike

    def section(self, name: str) -> dict[str, list[str]]:
        """One TOML table merged over all languages: key -> texts."""
        merged: dict[str, list[str]] = {}
        for data in self.raw.values():
            for key, texts in data.get(name, {}).items():
                if isinstance(texts, list):
                    merged.setdefault(key, []).extend(texts)
        return merged

    def match(self, text: str) -> LabelMatch | None:
        """The label this line is, if any (the longest one that fits)."""
        stripped = strip_enumerator(text)
        offset = len(text) - len(stripped)
        folded, index_map = fold_with_map(stripped)
        if not folded:
            return None
        best: LabelMatch | None = None
        best_length = 0
        first = _drop_leading_numbers(folded).split(" ", 1)[0]
        candidates = self.by_first_word.get(first, ())
        if first != folded.split(" ", 1)[0]:
            candidates += self.by_first_word.get(folded.split(" ", 1)[0], ())
        for label in candidates:
            found = _match_one(label, folded, index_map, stripped)
            if found is not None and len(label.folded) > best_length:
                best, best_length = found, len(label.folded)
        if best is not None and best.remainder_start is not None:
            best = LabelMatch(best.label, best.remainder_start + offset, best.pending)
        return best


def _match_one(label: Label, folded: str, index_map: list[int], original: str) -> LabelMatch | None:
    if folded == label.folded:
        return LabelMatch(label, None)
    if label.is_long:
        return _match_long(label, folded, index_map, original)
    if label.key == BOILERPLATE or not folded.startswith(label.folded + " "):
        return None
    after = label_end(original, index_map[len(label.folded) - 1] + 1)
    rest = original[after:]
    stripped_rest = rest.lstrip(" ")
    if stripped_rest[:1] in _SEPARATORS and stripped_rest[:1]:
        return LabelMatch(label, after + len(rest) - len(stripped_rest) + 1)
    if rest.startswith("\t") or rest.startswith("   "):
        return LabelMatch(label, after)
    return None


def label_end(text: str, end: int) -> int:
    """The end of a label in the original text, past a closing bracket or mark ("Email(s)",
    "State Party*")."""
    while end < len(text) and text[end] in ")]*":
        end += 1
    return end


def _match_long(
    label: Label, folded: str, index_map: list[int], original: str
) -> LabelMatch | None:
    line = _drop_leading_numbers(folded)
    shift = len(folded) - len(line)
    target = label.folded
    if line.startswith(target):
        if len(line) == len(target):
            return LabelMatch(label, None)
        return LabelMatch(label, index_map[shift + len(target) - 1] + 1)
    if len(line) >= 20 and target.startswith(line):
        return LabelMatch(label, None, pending=target[len(line) :].strip())
    head = target[:_PREFIX_CHARS]
    if line.startswith(head):
        return LabelMatch(label, None)
    same_start = line.split(" ", 3)[:3] == target.split(" ", 3)[:3]
    if same_start and len(line) >= 0.8 * len(target) and _similar(line[: len(target)], target):
        return LabelMatch(label, None)
    return None


def _similar(a: str, b: str) -> bool:
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return (
        matcher.real_quick_ratio() > 0.85
        and matcher.quick_ratio() > 0.85
        and matcher.ratio() > 0.85
    )


def _drop_leading_numbers(folded: str) -> str:
    head, _, rest = folded.partition(" ")
    return rest if head.isdigit() and rest else folded


def continues_label(pending: str, text: str) -> tuple[str, str | None]:
    """For a wrapped long label: what is still pending after this line, and the folded
    answer text that follows the label's end on this line (None when the line does not
    continue the label at all)."""
    line = fold(text)
    if not line:
        return pending, ""
    if pending.startswith(line):
        return pending[len(line) :].strip(), ""
    if line.startswith(pending):
        return "", line[len(pending) :].strip()
    return pending, None


@cache
def load_label_sets() -> LabelSets:
    """All shipped languages (read once per process)."""
    raw = {lang: _read(lang) for lang in LANGUAGES}
    labels: list[Label] = []
    options: dict[str, dict[str, list[str]]] = {}
    for lang, data in raw.items():
        for key, texts in data.get("labels", {}).items():
            labels.extend(_labels(key, lang, texts))
        labels.extend(_labels(BOILERPLATE, lang, data.get("boilerplate", {}).get("texts", [])))
        for field_name, values in data.get("options", {}).items():
            for value, texts in values.items():
                target = options.setdefault(field_name, {}).setdefault(value, [])
                target.extend(fold(strip_enumerator(t)) for t in texts)
    frozen = {
        f: {v: tuple(dict.fromkeys(t)) for v, t in vals.items()} for f, vals in options.items()
    }
    index: dict[str, list[Label]] = {}
    for label in labels:
        index.setdefault(label.folded.split(" ", 1)[0], []).append(label)
    by_first_word = {word: tuple(found) for word, found in index.items()}
    return LabelSets(tuple(labels), frozen, raw, by_first_word)


def _labels(key: str, lang: str, texts: list[str]) -> list[Label]:
    folded = (fold(strip_enumerator(text)) for text in texts)
    return [
        Label(key, lang, f, f.count(" ") + 1 >= LONG_LABEL_WORDS)
        for f in dict.fromkeys(folded)
        if f
    ]


def _read(language: str) -> dict[str, Any]:
    with (LABEL_DIR / f"{language}.toml").open("rb") as handle:
        return tomllib.load(handle)
