"""Which messages are never answered (SPEC section 5): one case for and one against each rule."""

from __future__ import annotations

import pytest

from intake.automatic import classify
from intake.mime import parse_message
from tests.intake.messages import PROGRAMME, plain

PASS = "mx1.opcw.org; spf=pass smtp.mailfrom=na.example.org; dkim=pass; dmarc=pass"


def verdict(message) -> tuple[bool, str | None]:
    """``classify`` on the message as parse_message reads it."""
    parsed = parse_message(message.as_bytes(), programme_address=PROGRAMME)
    assert (parsed.is_bounce_or_autoreply, parsed.automatic_reason) == classify(
        parsed, programme_address=PROGRAMME
    )
    return parsed.is_bounce_or_autoreply, parsed.automatic_reason


def test_an_ordinary_application_is_answered():
    assert verdict(plain(Authentication_Results=PASS)) == (False, None)


def test_auto_submitted_auto_replied_is_an_auto_reply_not_an_application():
    is_automatic, reason = verdict(plain(Auto_Submitted="auto-replied"))
    assert is_automatic and "Auto-Submitted" in reason


@pytest.mark.parametrize("value", ["auto-generated", "auto-notified; owner=x", "AUTO-GENERATED"])
def test_other_auto_submitted_values_are_never_answered(value):
    is_automatic, reason = verdict(plain(Auto_Submitted=value))
    assert not is_automatic and "Auto-Submitted" in reason


@pytest.mark.parametrize("value", ["no", "No", "no; comment"])
def test_auto_submitted_no_is_answered(value):
    assert verdict(plain(Auto_Submitted=value)) == (False, None)


@pytest.mark.parametrize("value", ["bulk", "junk", "list", "BULK"])
def test_precedence_bulk_junk_list_is_never_answered(value):
    is_automatic, reason = verdict(plain(Precedence=value))
    assert not is_automatic and "Precedence" in reason


@pytest.mark.parametrize("value", ["first-class", "normal", "urgent"])
def test_other_precedence_is_answered(value):
    assert verdict(plain(Precedence=value)) == (False, None)


def test_list_id_is_never_answered():
    is_automatic, reason = verdict(plain(List_Id="<na.lists.example.org>"))
    assert not is_automatic and "List-Id" in reason


def test_other_list_headers_alone_do_not_stop_the_reply():
    assert verdict(plain(List_Unsubscribe="<mailto:u@x.org>")) == (False, None)


@pytest.mark.parametrize("path", ["<>", "", "< >"])
def test_an_empty_return_path_is_never_answered(path):
    is_automatic, reason = verdict(plain(Return_Path=path))
    assert not is_automatic and "Return-Path" in reason


def test_a_mailer_daemon_return_path_is_a_bounce():
    is_automatic, reason = verdict(plain(Return_Path="<MAILER-DAEMON@mx.example.org>"))
    assert is_automatic and "bounce" in reason


def test_an_ordinary_return_path_is_answered():
    assert verdict(plain(Return_Path="<ana@na.example.org>")) == (False, None)


def test_mail_from_the_programme_itself_is_never_answered():
    is_automatic, reason = verdict(plain(sender="IPB <IPB@opcw.org>"))
    assert not is_automatic and "programme" in reason


def test_mail_from_another_opcw_address_is_answered():
    assert verdict(plain(sender="Officer <officer@opcw.org>")) == (False, None)


def test_a_multipart_report_is_a_bounce():
    message = plain(sender="Mail System <notifications@mx.example.org>")
    message.make_mixed()
    message.replace_header("Content-Type", "multipart/report; report-type=delivery-status")
    is_automatic, reason = verdict(message)
    assert is_automatic and "bounce" in reason


def test_a_multipart_mixed_with_a_delivery_word_in_the_subject_is_answered():
    message = plain(subject="Delivery of our application forms")
    message.make_mixed()
    assert verdict(message) == (False, None)


def test_mail_from_mailer_daemon_is_a_bounce():
    is_automatic, reason = verdict(plain(sender="MAILER-DAEMON@mx.example.org"))
    assert is_automatic and "bounce" in reason


@pytest.mark.parametrize("results", [f"{PASS[:-4]}fail", "mx; dmarc=fail (p=reject) header.from=x"])
def test_dmarc_fail_is_never_answered(results):
    is_automatic, reason = verdict(plain(Authentication_Results=results))
    assert not is_automatic and "DMARC" in reason


@pytest.mark.parametrize("verdict_", ["pass", "none", "bestguesspass", "temperror"])
def test_other_dmarc_results_are_answered(verdict_):
    assert verdict(plain(Authentication_Results=f"mx; dmarc={verdict_}")) == (False, None)


@pytest.mark.parametrize("spf", ["fail", "softfail"])
def test_spf_and_dkim_both_failing_is_never_answered(spf):
    results = f"mx1.opcw.org; spf={spf} smtp.mailfrom=x.org; dkim=fail header.d=x.org"
    is_automatic, reason = verdict(plain(Authentication_Results=results))
    assert not is_automatic and "SPF and DKIM" in reason


@pytest.mark.parametrize(
    "results",
    ["mx; spf=fail smtp.mailfrom=x.org; dkim=pass", "mx; spf=pass; dkim=fail header.d=x.org"],
)
def test_only_one_of_spf_and_dkim_failing_is_answered(results):
    assert verdict(plain(Authentication_Results=results)) == (False, None)


@pytest.mark.parametrize("header", ["X_Autoreply", "X_Autorespond"])
def test_x_autoreply_headers_mark_an_auto_reply(header):
    is_automatic, _reason = verdict(plain(**{header: "yes"}))
    assert is_automatic


def test_an_out_of_office_subject_alone_is_still_an_application():
    message = plain(subject="Out of office: application attached")
    message.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename="a.pdf")
    assert verdict(message) == (False, None)
