"""The thematic areas of para 3 and Annex 2, and the words that name them in en/fr/es.

Keywords are written folded (lower case, no accents; see ``rules.text.fold``) and match
whole words, with an optional plural "s"/"es", so "import" does not match "important".
Para 3 lists the verification regime where Annex 2 lists import and export controls;
both are kept (under area 6 and 7) so a mentor naming either is understood.
"""

from __future__ import annotations

import re

from rules.text import fold

AREA_TITLES: dict[int, str] = {
    1: "National Authority's structure and functioning",
    2: "National Chemical Weapons Convention implementing legislation",
    3: "Chemical safety and security",
    4: "Economic and technological development",
    5: "National capacity in assistance and protection",
    6: "Conducting national industry inspections and receiving OPCW inspections",
    7: "Controlling the import and export of scheduled chemicals",
    8: "Education and outreach",
}

AREA_KEYWORDS: dict[int, tuple[str, ...]] = {
    1: (
        "structure",
        "functioning",
        "institutional",
        "inter-agency",
        "interagency",
        "coordination",
        "fonctionnement",
        "institutionnel",
        "institutionnelle",
        "estructura",
        "funcionamiento",
        "institucional",
        "coordinacion",
    ),
    2: (
        "legislation",
        "legislative",
        "implementing law",
        "legal framework",
        "regulation",
        "legislatif",
        "legislative",
        "cadre juridique",
        "reglementation",
        "loi d'application",
        "legislacion",
        "legislativo",
        "legislativa",
        "marco juridico",
        "marco legal",
        "reglamentacion",
        "ley de aplicacion",
    ),
    3: (
        "chemical safety",
        "chemical security",
        "safety",
        "security",
        "securite",
        "surete",
        "seguridad",
        "proteccion quimica",
    ),
    4: (
        "economic and technological development",
        "economic development",
        "technological development",
        "international cooperation",
        "peaceful uses",
        "article xi",
        "developpement economique",
        "developpement technologique",
        "cooperation internationale",
        "desarrollo economico",
        "desarrollo tecnologico",
        "cooperacion internacional",
    ),
    5: (
        "assistance and protection",
        "protection",
        "emergency response",
        "article x",
        "assistance et protection",
        "asistencia y proteccion",
        "proteccion",
        "respuesta de emergencia",
        "intervention d'urgence",
    ),
    6: (
        "inspection",
        "verification",
        "verification regime",
        "declaration",
        "inspeccion",
        "verificacion",
        "declaracion",
    ),
    7: (
        "import",
        "export",
        "importation",
        "exportation",
        "importacion",
        "exportacion",
        "transfer",
        "transfert",
        "transferencia",
        "customs",
        "douane",
        "aduana",
        "trade",
    ),
    8: (
        "education",
        "outreach",
        "awareness",
        "awareness-raising",
        "sensibilisation",
        "educacion",
        "divulgacion",
        "sensibilizacion",
        "difusion",
        "concienciacion",
    ),
}


def _pattern(keywords: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(keyword) for keyword in sorted(keywords, key=len)[::-1])
    return re.compile(rf"(?<!\w)(?:{alternatives})(?:s|es)?(?!\w)")


_PATTERNS = {number: _pattern(keywords) for number, keywords in AREA_KEYWORDS.items()}


def areas_named(text: object) -> set[int]:
    """The numbers of the thematic areas a free text names."""
    folded = fold(text)
    return {number for number, pattern in _PATTERNS.items() if pattern.search(folded)}
