"""The official blank forms of Note S/2368/2025 (Annex 1 and Annex 2, .docx and PDF); the
incomplete notice attaches them and the tests fill them in."""

from pathlib import Path

BLANK_FORMS = Path(__file__).resolve().parent
