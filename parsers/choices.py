"""Which option of a choice ("Offering / Seeking", "Yes / No") the applicant chose.

Evidence, strongest first: a ticked box (any kind) or an x typed beside the option; the other
options deleted or struck through; one option alone in bold or highlighted. A box whose
state cannot be read, or a tick that contradicts a strike, makes the answer unclear: no
guess is made.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parsers.layout import Checkbox, Part, Span
from parsers.lines import Line
from parsers.textfold import fold_with_map

_TYPED_BOX = re.compile(r"(?<![\w@.])(?:\[\s*([xX✓✔])?\s*\]|\(\s*([xX✓✔])?\s*\)|([xX]))(?![\w@.])")


_BESIDE_CHARS = 4  # a typed mark this close to a box marks the same option


@dataclass(frozen=True)
class Choice:
    value: str | None
    ticked: tuple[str, ...] = ()
    how: str = ""  # how it was read, for staff
    unclear: bool = False


@dataclass(frozen=True)
class _Mention:
    value: str
    start: int
    end: int
    struck: bool
    emphasised: bool


@dataclass(frozen=True)
class _Box:
    state: bool | None
    start: int


def decide_choice(lines: list[Line], options: dict[str, tuple[str, ...]]) -> Choice:
    """The chosen option among the answer lines of one choice."""
    tokens: list[_Mention | _Box] = []
    offset = 0
    for line in lines:
        tokens.extend(_tokens(line.answer_parts, options, offset))
        offset += len(line.text) + 1
    tokens.sort(key=lambda t: (t.start, isinstance(t, _Box)))
    mentions = [t for t in tokens if isinstance(t, _Mention)]
    if not mentions:
        return Choice(None, how="no option found")
    pairs, loose = _pair(tokens)
    return _decide(mentions, pairs, loose, list(options))


def _tokens(parts: tuple[Part, ...], options: dict[str, tuple[str, ...]], offset: int) -> list:
    text = "".join(p.text for p in parts if isinstance(p, Span))
    found: list[_Mention | _Box] = []
    position = 0
    for part in parts:
        if isinstance(part, Checkbox):
            found.append(_Box(part.state, offset + position))
        else:
            position += len(part.text)
    mentions = _mentions(text, parts, options)
    found.extend(
        _Mention(m.value, m.start + offset, m.end + offset, m.struck, m.emphasised)
        for m in mentions
    )
    for match in _TYPED_BOX.finditer(text):
        if not any(m.start <= match.start() < m.end for m in mentions):
            ticked = any(match.group(g) for g in (1, 2, 3))
            found.append(_Box(ticked, offset + match.start()))
    return found


def _mentions(text: str, parts: tuple[Part, ...], options: dict[str, tuple[str, ...]]) -> list:
    folded, index_map = fold_with_map(text)
    padded = f" {folded} "
    candidates: list[_Mention] = []
    for value, spellings in options.items():
        for spelling in spellings:
            at = padded.find(f" {spelling} ")
            while at >= 0:
                start = index_map[at]
                end = index_map[at + len(spelling) - 1] + 1
                struck, emphasised = _style(parts, start, end)
                candidates.append(_Mention(value, start, end, struck, emphasised))
                at = padded.find(f" {spelling} ", at + 1)
    candidates.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[_Mention] = []
    for mention in candidates:
        if not any(k.start <= mention.start < k.end for k in kept):
            kept.append(mention)
    return kept


def _style(parts: tuple[Part, ...], start: int, end: int) -> tuple[bool, bool]:
    """(all struck through, all bold or highlighted) over the characters [start, end)."""
    covering: list[Span] = []
    position = 0
    for part in parts:
        if isinstance(part, Span):
            if position < end and position + len(part.text) > start and part.text.strip():
                covering.append(part)
            position += len(part.text)
    if not covering:
        return False, False
    struck = all(s.strike for s in covering)
    return struck, all(s.bold or s.highlight for s in covering)


def _pair(tokens: list) -> tuple[list[tuple[_Mention, _Box]], list[_Box]]:
    """Boxes paired with their option: the nearest option before the box, or after it when
    the choice starts with a box ("☐ Yes ☒ No"). A box that follows another box across
    words (an option worded unlike any known one) stays loose; one just beside another
    (an "x" typed next to an empty box) pairs with their option."""
    boxes_first = isinstance(tokens[0], _Box)
    pairs: list[tuple[_Mention, _Box]] = []
    loose: list[_Box] = []
    for n, token in enumerate(tokens):
        if not isinstance(token, _Box):
            continue
        around = tokens[n + 1 :] if boxes_first else reversed(tokens[:n])
        ahead = list(around)
        beyond_a_box = bool(ahead) and isinstance(ahead[0], _Box)
        if beyond_a_box and abs(token.start - ahead[0].start) > _BESIDE_CHARS:
            ahead = []
        owner = next((t for t in ahead if isinstance(t, _Mention)), None)
        if owner is None:
            loose.append(token)
        else:
            pairs.append((owner, token))
    return pairs, loose


def _decide(mentions: list[_Mention], pairs: list, loose: list[_Box], order: list[str]) -> Choice:
    ticked = _ordered({m.value for m, box in pairs if box.state}, order)
    struck = {m.value for m in mentions if m.struck}
    if any(box.state is None for _, box in pairs) or any(box.state for box in loose):
        return Choice(None, ticked, "a box cannot be read", unclear=True)
    if len(ticked) == 1:
        if ticked[0] in struck:
            return Choice(None, ticked, "the ticked option is struck through", unclear=True)
        return Choice(ticked[0], ticked, "ticked")
    if len(ticked) > 1:
        return Choice(None, ticked, "more than one option ticked")
    present = _ordered({m.value for m in mentions}, order)
    standing = [value for value in present if value not in struck]
    if len(present) > 1 and len(standing) == 1:
        return Choice(standing[0], (), "the other option struck through")
    if len(present) == 1 and not struck:
        return Choice(present[0], (), "the other option deleted")
    emphasised = _ordered({m.value for m in mentions if m.emphasised}, order)
    if len(present) > 1 and len(emphasised) == 1:
        return Choice(emphasised[0], (), "the option is bold or highlighted")
    return Choice(None, (), "no option ticked")


def _ordered(values: set[str], order: list[str]) -> tuple[str, ...]:
    return tuple(v for v in order if v in values)


def mentions_option(line: Line, options: dict[str, tuple[str, ...]]) -> bool:
    """Whether a line names one of the options."""
    return bool(_mentions(line.text, line.parts, options))


def has_tick_mark(line: Line) -> bool:
    """Whether a line holds a box or a typed mark ("x", "[x]", "( )")."""
    return any(isinstance(p, Checkbox) for p in line.parts) or bool(_TYPED_BOX.search(line.text))
