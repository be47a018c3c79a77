"""Section 1 of the application form (Annex 1): who applies and how to reach them."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

from rules.base import Rule
from rules.model import ApplicationFacts, RuleContext
from rules.text import filled, quote, text_of


def listed(value: object) -> tuple[str, ...]:
    """The non-blank entries of a list field (one string is a list of one)."""
    items = value if isinstance(value, list | tuple) else (value,)
    return tuple(text_of(item).strip() for item in items if filled(item))


class StatePartyMissing(Rule):
    code = "STATE_PARTY_MISSING"
    kind = "completeness"
    severity = "error"
    description = "Section 1(a), the State Party, is empty."

    def problem(self, facts: ApplicationFacts, ctx: RuleContext) -> str | None:
        if filled(facts.state_party):
            return None
        return (
            "Section 1(a) of the application form (Annex 1), the State Party, is empty. "
            "Please give the name of your State Party."
        )


class StatePartyUnrecognised(Rule):
    code = "STATE_PARTY_UNRECOGNISED"
    kind = "eligibility"
    severity = "warning"
    description = "Section 1(a) names no State Party of the Convention."

    def problem(self, facts: ApplicationFacts, ctx: RuleContext) -> str | None:
        if not filled(facts.state_party) or facts.state_party_code:
            return None
        return (
            f'We could not match "{quote(facts.state_party)}", given in section 1(a) of the '
            "application form (Annex 1), to a State Party of the Chemical Weapons Convention. "
            "Please give the official name of your State Party."
        )


class ContactPersonMissing(Rule):
    code = "CONTACT_PERSON_MISSING"
    kind = "completeness"
    severity = "error"
    description = "Section 1(b), the contact person, is empty."

    def problem(self, facts: ApplicationFacts, ctx: RuleContext) -> str | None:
        if filled(facts.contact_person):
            return None
        return (
            "Section 1(b) of the application form (Annex 1), the contact person, is empty. "
            "Please give the name of the person we should contact about the application."
        )


class ContactDetailsMissing(Rule):
    code = "CONTACT_DETAILS_MISSING"
    kind = "completeness"
    severity = "error"
    description = "Section 1(c) has neither a phone number nor an email address."

    def problem(self, facts: ApplicationFacts, ctx: RuleContext) -> str | None:
        if filled(facts.phone) or listed(facts.emails):
            return None
        return (
            "Section 1(c) of the application form (Annex 1) gives neither a phone number nor "
            "an email address. Please give at least one way to contact the contact person."
        )


class ContactEmailInvalid(Rule):
    code = "CONTACT_EMAIL_INVALID"
    kind = "completeness"
    severity = "warning"
    description = "An email address in section 1(c) is not a valid address."

    def problem(self, facts: ApplicationFacts, ctx: RuleContext) -> str | None:
        invalid = [address for address in listed(facts.emails) if not _valid_email(address)]
        if not invalid:
            return None
        shown = ", ".join(f'"{quote(address, 60)}"' for address in invalid[:5])
        return (
            f"The email address {shown} in section 1(c) of the application form (Annex 1) "
            "is not a valid address. Please correct it so that we can reach you."
            if len(invalid) == 1
            else f"The email addresses {shown} in section 1(c) of the application form "
            "(Annex 1) are not valid addresses. Please correct them so that we can reach you."
        )


def _valid_email(address: str) -> bool:
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True
