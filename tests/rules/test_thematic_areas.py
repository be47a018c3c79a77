"""Which thematic areas of para 3 a mentor's free text names, in English, French and Spanish."""

from __future__ import annotations

import pytest

from rules.thematic_areas import areas_named


@pytest.mark.parametrize(
    ("text", "area"),
    [
        ("the structure and functioning of a National Authority", 1),
        ("drafting national implementing legislation", 2),
        ("l'élaboration de la législation nationale", 2),
        ("redacción de la legislación de aplicación", 2),
        ("chemical safety and security management", 3),
        ("seguridad química en la industria", 3),
        ("economic and technological development", 4),
        ("national capacity in assistance and protection", 5),
        ("assistance et protection contre les armes chimiques", 5),
        ("receiving OPCW inspections", 6),
        ("inspecciones de la industria", 6),
        ("the import and export of scheduled chemicals", 7),
        ("le contrôle des importations par les douanes", 7),
        ("education and outreach", 8),
        ("sensibilisation du public", 8),
        ("educación y divulgación", 8),
    ],
)
def test_area_is_named(text: str, area: int) -> None:
    assert area in areas_named(text)


def test_words_inside_other_words_do_not_count() -> None:
    assert areas_named("It is important to share good practices and experience.") == set()


def test_nothing_for_empty_or_odd_input() -> None:
    assert areas_named(None) == set()
    assert areas_named(["education", 7]) == {8}
