"""HTML bodies as plain text: readable, with no markup, scripts or styles, whatever the HTML."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from intake.html_text import html_to_text


def test_blocks_become_lines_and_cells_are_spaced():
    html = "<div>Dear<br>programme</div><table><tr><td>State</td><td>Kenya</td></tr></table>"
    assert html_to_text(html).splitlines() == ["Dear", "programme", "", "State Kenya"]


def test_scripts_styles_comments_and_titles_are_dropped():
    html = (
        "<html><head><title>T</title><style>b{}</style></head><body><!-- hidden -->"
        "<script>var a = '<p>x</p>';</script><p>Shown</p><noscript>no</noscript></body>"
    )
    assert html_to_text(html) == "Shown"


def test_entities_are_decoded_and_broken_ones_kept_readable():
    assert html_to_text("<p>R&amp;D &eacute;t&eacute; &#8211; &#0; &bogus; &#xD800;</p>") == (
        "R&D été – \ufffd &bogus; \ufffd"
    )


def test_unclosed_and_misnested_tags():
    assert html_to_text("<p>one<div>two<span> three</p></div>") == "one\ntwo three"


def test_deep_nesting_does_not_recurse():
    assert html_to_text("<div>" * 100_000 + "deep" + "</div>" * 100_000) == "deep"


def test_an_unclosed_script_hides_only_what_follows_it():
    assert html_to_text("<p>before</p><script>never closed <p>after</p>") == "before"


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.text(alphabet=st.sampled_from(list("<>/!-&#;=\"' abpdivscrt\n\x00é")), max_size=300))
def test_any_markup_gives_text_without_raising(html):
    text = html_to_text(html)
    assert text == text.strip() and "\n\n\n" not in text
