"""Rendering replies from the Jinja2 templates staff may edit.

Templates live in ``<template_dir>/<lang>/<kind>.<part>.j2`` with part ``subject``, ``txt``
or ``html``. A file in the staff folder wins over the packaged one of the same name, and a
language without a template falls back to English. Templates run in a sandbox with
StrictUndefined; only the HTML part is autoescaped. ``check_templates`` renders every
template once at start-up so a broken edit is caught before any reply is due.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from common.errors import TemplateError
from rules.cycle import local_date, review_date
from rules.model import Finding

ReplyKind = Literal["acknowledgement", "incomplete", "ineligible", "receipt"]
KINDS: tuple[ReplyKind, ...] = ("acknowledgement", "incomplete", "ineligible", "receipt")
PARTS = ("subject", "txt", "html")
DEFAULT_LANGUAGE = "en"
PACKAGED_TEMPLATES = Path(__file__).parent / "templates"
_LANGUAGE = re.compile(r"[a-z]{2,3}")
# Values from the form or the configuration that a reply quotes on one line.
_ONE_LINE_FIELDS = (
    "reference",
    "national_authority",
    "state_party",
    "contact_person",
    "programme_address",
    "officer_address",
)


@dataclass(frozen=True)
class ReplyContext:
    """What a reply may say about one application."""

    reference: str
    national_authority: str | None
    state_party: str | None
    contact_person: str | None
    findings: tuple[Finding, ...]
    review_cycle: str | None
    received_at: datetime
    language: str | None = DEFAULT_LANGUAGE
    programme_address: str = "ipb@opcw.org"
    officer_address: str = "solomon.haile@opcw.org"
    timezone: str = "Europe/Amsterdam"  # for the day of receipt the reply quotes


@dataclass(frozen=True)
class RenderedReply:
    """One rendered reply; the HTML part is optional (render_reply always fills it)."""

    subject: str
    text: str
    html: str | None = None


def reply_language(language: object) -> str:
    """ "fr-FR" -> "fr"; anything unreadable -> English."""
    match = _LANGUAGE.match(str(language or "").strip().lower())
    return match.group(0) if match else DEFAULT_LANGUAGE


def render_reply(
    kind: str, ctx: ReplyContext, *, template_dir: Path | str | None = None
) -> RenderedReply:
    """Subject, plain text and HTML of one reply; raises TemplateError when a template fails."""
    if kind not in KINDS:
        raise TemplateError(f"unknown reply kind {kind!r} (expected one of {', '.join(KINDS)})")
    env = _environment(str(template_dir) if template_dir else None)
    values = template_values(kind, ctx)
    language = reply_language(ctx.language)
    subject, text, html = (_render(env, language, kind, part, values) for part in PARTS)
    return RenderedReply(subject=" ".join(subject.split()), text=text, html=html)


def template_values(kind: str, ctx: ReplyContext) -> dict[str, Any]:
    """Everything a template can use: the context's fields plus values derived from them."""
    findings = tuple(ctx.findings)
    errors = [finding for finding in findings if finding.severity == "error"]
    errors.sort(key=lambda finding: finding.kind != "eligibility")  # the reason to refuse first
    advice = [
        finding
        for finding in findings
        if finding.severity == "warning"
        and finding.kind == "completeness"
        and finding.code != "SIGNATURE_UNVERIFIED"
    ]
    return {
        **{item.name: getattr(ctx, item.name) for item in fields(ctx)},
        **{name: one_line(getattr(ctx, name)) for name in _ONE_LINE_FIELDS},
        "findings": findings,
        "kind": kind,
        "errors": errors,  # every error finding, eligibility first
        "advice": advice,  # completeness warnings worth fixing in a resubmission
        "received_on": _received_on(ctx),  # the day of receipt in the programme's time zone
        "review_on": _review_on(ctx.review_cycle),  # the day of the review, or None
        "form_missing": needs_blank_forms(findings),
    }


def one_line(value: object) -> str | None:
    """A value as one tidy line: no line breaks or control characters (None stays None)."""
    if value is None:
        return None
    printable = "".join(char if char.isprintable() else " " for char in str(value))
    return " ".join(printable.split())


def needs_blank_forms(findings: tuple[Finding, ...]) -> bool:
    """Whether the reply says the blank forms are attached (the application form is missing)."""
    return any(finding.code == "FORM_MISSING" for finding in findings)


def _received_on(ctx: ReplyContext) -> date | None:
    if not isinstance(ctx.received_at, datetime):
        return None
    try:
        return local_date(ctx.received_at, ctx.timezone)
    except (ValueError, KeyError):  # unknown time zone: the UTC day is close enough
        return local_date(ctx.received_at, UTC)


def _review_on(cycle: str | None) -> date | None:
    try:
        return review_date(cycle or "")
    except ValueError:
        return None


@lru_cache(maxsize=8)
def _environment(template_dir: str | None) -> SandboxedEnvironment:
    folders = [Path(template_dir)] if template_dir else []
    return SandboxedEnvironment(
        loader=jinja2.FileSystemLoader([*folders, PACKAGED_TEMPLATES], encoding="utf-8"),
        autoescape=lambda name: bool(name) and name.endswith(".html.j2"),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=True,
    )


def _render(
    env: SandboxedEnvironment, language: str, kind: str, part: str, values: dict[str, Any]
) -> str:
    names = [f"{language}/{kind}.{part}.j2", f"{DEFAULT_LANGUAGE}/{kind}.{part}.j2"]
    try:
        template = env.select_template(names)
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(f"reply template not found: {names[-1]}") from exc
    except jinja2.TemplateError as exc:
        raise TemplateError(f"{_where(exc, names[0])}: {exc}") from exc
    try:
        return template.render(**values)
    except jinja2.TemplateError as exc:
        raise TemplateError(f"{_where(exc, template.filename)}: {exc}") from exc
    except Exception as exc:  # a staff edit may fail in any way; name the file
        raise TemplateError(f"{template.filename}: {type(exc).__name__}: {exc}") from exc


def _where(exc: jinja2.TemplateError, fallback: str | None) -> str:
    filename = getattr(exc, "filename", None) or fallback or "template"
    lineno = getattr(exc, "lineno", None)
    return f"{filename}, line {lineno}" if lineno else str(filename)


_TEMPLATE_NAME = re.compile(r"([a-z]{2,3})/([a-z]+)\.(subject|txt|html)\.j2")


def check_templates(template_dir: Path | str | None = None) -> None:
    """Compile every template and render each reply with sample contexts (call at start-up).

    English must have every kind and part, since other languages fall back to it.
    Raises TemplateError naming the file on the first problem.
    """
    if template_dir and not Path(template_dir).is_dir():
        raise TemplateError(f"reply template folder not found: {template_dir}")
    env = _environment(str(template_dir) if template_dir else None)
    names = env.list_templates(filter_func=lambda name: name.endswith(".j2"))
    for name in names:
        try:
            env.get_template(name)
        except jinja2.TemplateError as exc:
            raise TemplateError(f"{_where(exc, name)}: {exc}") from exc
    languages = {match[1] for name in names if (match := _TEMPLATE_NAME.fullmatch(name))}
    for language in sorted(languages | {DEFAULT_LANGUAGE}):
        for kind in KINDS:
            for sample in _sample_contexts(language):
                values = template_values(kind, sample)
                for part in PARTS:
                    _render(env, language, kind, part, values)


def _sample_contexts(language: str) -> tuple[ReplyContext, ...]:
    """A full context (one finding of every rule, awkward names) and an almost empty one."""
    from rules.registry import RULES  # imported here: rendering itself needs no rules

    received = datetime(2025, 3, 31, 22, 30, tzinfo=UTC)
    full = ReplyContext(
        reference="MPP-2025-00001",
        national_authority='Autorité nationale <b>"CIAC"</b> & Co',
        state_party="Côte d'Ivoire",
        contact_person="Mme Zoë O'Brien-Núñez",
        findings=tuple(
            Finding(rule.code, rule.severity, rule.kind, rule.description) for rule in RULES
        ),
        review_cycle="2025-Q2",
        received_at=received,
        language=language,
    )
    empty = ReplyContext(
        reference="MPP-2025-00002",
        national_authority=None,
        state_party=None,
        contact_person=None,
        findings=(),
        review_cycle=None,
        received_at=received,
        language=language,
    )
    return full, empty
