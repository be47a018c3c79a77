"""Each benchmark run at a tiny size: it finishes, prints its figures, and what it checks
holds. No timing is asserted (the figures depend on the machine)."""

from __future__ import annotations

import email
import email.policy
import re

import pytest

from bench import corpus, floor, idle_poll, large_input, latency, scale_out, throughput

NUMBER = r"\d+(?:\.\d+)?"


def test_the_corpus_is_the_same_bytes_each_time_with_both_annexes():
    first = corpus.application_email(7, 3, pdf_share=1.0)
    assert first == corpus.application_email(7, 3, pdf_share=1.0)
    assert first != corpus.application_email(7, 4, pdf_share=1.0)
    message = email.message_from_bytes(first, policy=email.policy.default)
    names = [part.get_filename() for part in message.iter_attachments()]
    assert names[0].endswith(".pdf") and names[1].endswith(".docx")
    built = corpus.build_corpus(2, pdf_share=0.0)
    assert [path.exists() for path in built.paths] == [True, True]
    assert corpus.build_corpus(2, pdf_share=0.0).messages() == built.messages()


def test_floor_prints_documents_per_second(capsys):
    assert floor.main(["--messages", "2", "--pdf-share", "0.5"]) == 0
    out = capsys.readouterr().out
    assert re.search(rf"floor: 4 documents of 2 messages opened in {NUMBER} s", out)


@pytest.mark.imap
def test_throughput_processes_every_message_and_prints_each_stage(capsys, dovecot_installed):
    assert throughput.main(["--messages", "3", "--pdf-share", "0.34", "--floor"]) == 0
    out = capsys.readouterr().out
    assert re.search(rf"3 messages in {NUMBER} s: {NUMBER} messages/s; 3 replies", out)
    for stage in ("fetch", "mime", "parse", "rules", "database", "reply (send)", "move"):
        row = rf"^{re.escape(stage)} +{NUMBER} +{NUMBER} +{NUMBER}% +{NUMBER}$"  # CPU last
        assert re.search(row, out, re.MULTILINE), stage
    assert re.search(rf"peak memory: worker process {NUMBER} MB", out)
    assert re.search(rf"sqlite: pipeline / floor = {NUMBER}", out)


@pytest.mark.imap
def test_idle_poll_is_timed_for_each_mailbox_size(capsys, dovecot_installed):
    assert idle_poll.main(["--sizes", "3,40", "--polls", "3"]) == 0
    out = capsys.readouterr().out
    for size in (3, 40):
        assert re.search(rf"{size} messages in the mailbox: idle poll median {NUMBER} ms", out)
    assert "largest / smallest mailbox" in out


@pytest.mark.slow
@pytest.mark.imap
def test_latency_with_idle_and_with_polling(capsys, dovecot_installed):
    assert latency.main(["--messages", "2", "--poll-seconds", "2"]) == 0
    out = capsys.readouterr().out
    assert re.search(rf"IMAP IDLE: 2 replies, p50 {NUMBER} s, p95 {NUMBER} s", out)
    assert re.search(rf"polling every 2 s: 2 replies, p50 {NUMBER} s", out)


@pytest.mark.slow
@pytest.mark.imap
def test_large_inputs_are_recorded_with_their_peak_memory(capsys, dovecot_installed):
    assert large_input.main(["--scale", "0.02"]) == 0
    out = capsys.readouterr().out
    assert out.count("outcomes {'recorded': 1}, 1 reply") == 2
    assert re.search(rf"scanned PDF: .*peak memory: worker {NUMBER} MB", out)
    assert re.search(rf"\.docx with a photograph: .*largest child {NUMBER} MB", out)


@pytest.mark.slow
@pytest.mark.imap
@pytest.mark.postgres
def test_scale_out_takes_each_message_once(capsys, dovecot_installed, postgres_up):
    assert scale_out.main(["--messages", "6", "--workers", "1,2", "--pdf-share", "0"]) == 0
    out = capsys.readouterr().out
    assert out.count("each message taken once") == 2
    assert len(re.findall(rf"the machine's \d+ cores {NUMBER}% busy", out)) == 2
    assert re.search(rf"2 worker\(s\): 6 messages in {NUMBER} s", out)
