"""Which option a box belongs to when the option's wording is unknown."""

from __future__ import annotations

from parsers.choices import decide_choice
from parsers.labels import load_label_sets
from parsers.layout import Checkbox, Span
from parsers.lines import Line


def _choice(*parts):
    return decide_choice([Line(tuple(parts))], load_label_sets().options["mode"])


def test_a_tick_after_an_unknown_option_is_unclear_not_given_to_the_known_one():
    choice = _choice(
        Span("Offering mentorship "),
        Checkbox(False),
        Span(" Hosting a mentor team "),
        Checkbox(True),
    )
    assert choice.value is None and choice.unclear


def test_an_x_typed_just_beside_an_empty_box_marks_that_option():
    choice = _choice(
        Span("Offering mentorship "),
        Checkbox(False),
        Span(" Seeking mentorship "),
        Checkbox(False),
        Span(" x"),
    )
    assert choice.value == "seeking" and not choice.unclear


def test_boxes_before_their_options():
    choice = _choice(
        Checkbox(False), Span(" Offering mentorship "), Checkbox(True), Span(" Seeking mentorship")
    )
    assert choice.value == "seeking"
