"""Personal data and secrets: recall and precision on a planted corpus in real text, hard negatives, redaction."""
from __future__ import annotations

import collections

import pytest

from mixmap.core.checks.pii import KINDS, PLACEHOLDERS, find_pii, redact, redact_value
from tests.checks_data import planted_pii_corpus


@pytest.fixture(scope="module")
def corpus():
    return planted_pii_corpus(seed=7, n=1_200)


def test_planted_items_are_found_with_high_recall_and_precision(corpus):
    found, total, true, false = collections.Counter(), collections.Counter(), 0, 0
    for doc in corpus:
        spans = find_pii(doc["text"])
        for start, end, kind, _ in doc["planted"]:
            total[kind] += 1
            found[kind] += any(s.kind == kind and s.start <= start and s.end >= end for s in spans)
        for s in spans:
            if any(s.kind == kind and s.start < end and s.end > start for start, end, kind, _ in doc["planted"]):
                true += 1
            else:
                false += 1
    assert set(total) == set(KINDS) and min(total.values()) > 50
    recall = sum(found.values()) / sum(total.values())
    assert recall >= 0.95 and min(found[k] / total[k] for k in KINDS) >= 0.9, (found, total)
    assert true / (true + false) >= 0.95
    assert sum(len(d["negatives"]) for d in corpus) > 1_500  # the hard negatives were there to be missed


@pytest.mark.parametrize("text", [
    "Upgrade to v1.2.3, or firmware version 10.0.19041.1.", "Due 2023-10-05 at 10:30; logged 2024-03-15T10:30:00Z.",
    "ISBN 978-0-306-40615-7 and ISBN-10: 0-306-40615-2", "It costs $1,299.99 or €12.345,67.",
    "Router at 192.168.1.1, Docker at 172.17.0.2, local 127.0.0.1", "Serial 4111 1111 1111 1112",
    'password = input("Password: ")', 'API_KEY = "YOUR_API_KEY"', "token = tokens[0]",
    "commit 3f786850e387550fdab836ed7e6dc881de23001b", "id 123e4567-e89b-12d3-a456-426614174000",
    "The city has 8,336,817 people.", "Sequence 10-20-30-40-50.", "(123 - 456) * 78 = -25974", "Follow @openai",
])
def test_hard_negatives_are_not_flagged(text):
    assert find_pii(text) == []


def test_each_kind_with_its_detail():
    text = ("Mail John.Smith@company.co.uk or call (415) 555-0132 / +49 30 12345678; server 8.8.4.4 or "
            "2606:4700:4700::1111; card 3782 822463 10005; AKIAABCDEFGHIJKLMNOP; DB_PASSWORD=s3cr3t!Pass9; "
            "postgres://admin:hunter2x@db.example.com/app")
    got = [(s.kind, s.detail, text[s.start:s.end]) for s in find_pii(text)]
    assert got == [("email", "email", "John.Smith@company.co.uk"), ("phone", "national", "(415) 555-0132"),
                   ("phone", "international", "+49 30 12345678"), ("ip_address", "ipv4", "8.8.4.4"),
                   ("ip_address", "ipv6", "2606:4700:4700::1111"), ("card_number", "amex", "3782 822463 10005"),
                   ("secret", "aws_access_key", "AKIAABCDEFGHIJKLMNOP"), ("secret", "password_or_key", "s3cr3t!Pass9"),
                   ("secret", "url_password", "hunter2x")]


def test_private_key_block_is_one_secret():
    block = "-----BEGIN RSA PRIVATE KEY-----\nMIIEow" + "A" * 60 + "\nabc@def.com\n-----END RSA PRIVATE KEY-----"
    spans = find_pii(f"my key:\n{block}\nbye")
    assert [(s.kind, s.detail) for s in spans] == [("secret", "private_key")]
    assert redact(f"my key:\n{block}\nbye") == "my key:\n<SECRET>\nbye"


def test_redaction_uses_typed_placeholders_and_walks_nested_values(corpus):
    for doc in corpus[:300]:
        clean = redact(doc["text"])
        for start, end, _, _ in doc["planted"]:
            assert doc["text"][start:end] not in clean
    found: dict = {}
    value = redact_value({"messages": [{"role": "user", "content": "mail a.b@c.org"}, "call +1 415 555 0132"]}, found)
    assert value == {"messages": [{"role": "user", "content": f"mail {PLACEHOLDERS['email']}"}, "call <PHONE>"]}
    assert found == {"email": 1, "phone": 1}
    assert redact("nothing here") == "nothing here"
