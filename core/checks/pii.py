"""Personal data and secrets in text: e-mail addresses, phone numbers, IP addresses, payment-card numbers
(Luhn-checked) and credentials, as spans; and redaction with typed placeholders (what `export --redact` writes).

    spans = find_pii(text)                  # [Span(start, end, kind, detail)], sorted, never overlapping
    clean = redact(text, spans)             # "<EMAIL>", "<PHONE>", "<IP_ADDRESS>", "<CARD_NUMBER>", "<SECRET>"

The e-mail and IPv4 patterns and the public-IP rule are datatrove's PIIFormatter's
(huggingface/datatrove, src/datatrove/pipeline/formatters/pii.py, Apache-2.0). datatrove replaces each kind with
an example value of that kind; mixmap writes a typed placeholder instead (as BigCode's StarCoder PII pipeline
does: <EMAIL>, <KEY>, ...), so a redacted row says what was there and can never be mistaken for real data.
Credential patterns are ported from detect-secrets 1.5.0 plugins (Yelp/detect-secrets, Apache-2.0; the plugin
each comes from is named beside it). detect-secrets is not called as a library: it scans files line by line and
returns the secret's value without its position, and its entropy and keyword plugins flag hashes and ordinary
code; the ported patterns run as compiled regexes over whole texts and give spans.
"""
from __future__ import annotations

import ipaddress
import re
from typing import NamedTuple

PLACEHOLDERS = {"email": "<EMAIL>", "phone": "<PHONE>", "ip_address": "<IP_ADDRESS>", "card_number": "<CARD_NUMBER>",
                "secret": "<SECRET>"}
KINDS = tuple(PLACEHOLDERS)
REDACTION_VERSION = 1  # recorded in an export's manifest; raise it when a pattern changes what is found
PRIORITY = {"secret": 0, "card_number": 1, "email": 2, "ip_address": 3, "phone": 4}


class Span(NamedTuple):
    start: int
    end: int
    kind: str
    detail: str  # which pattern: e.g. "aws_access_key", "private_key", "visa"


# datatrove's e-mail pattern (case-insensitive here: datatrove lowercases nothing and so missed John.Doe@X.COM).
EMAIL = re.compile(
    r"\b[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+"
    r"[a-z](?:[a-z0-9-]*[a-z0-9])?|\[(?:(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\.){3}(?:25[0-5]|2[0-4][0-9]|"
    r"[01]?[0-9][0-9]?)\])", re.IGNORECASE)
EMAIL_LOCAL = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~.-")
DIGIT_RUN = re.compile(r"\d[\d ().+-]{5,}\d")  # where a card, IPv4 address or phone number can be
IPV6_HINT = re.compile(r":[0-9a-fA-F]{0,4}:")
# datatrove's IPv4 pattern, bounded so "1.2.3.4.5" (a version) and "999.1.1.1" are not read as addresses.
IPV4 = re.compile(r"(?<![\w.])(?:(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\.){3}(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)"
                  r"(?![\w]|\.\d)")
IPV6 = re.compile(r"(?<![\w:.])(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}(?![\w:])|(?<![\w:.])(?:[0-9a-f]{1,4}:){1,6}:"
                  r"(?:[0-9a-f]{1,4}:){0,5}[0-9a-f]{1,4}(?![\w:])", re.IGNORECASE)
VERSION_BEFORE = re.compile(r"(?:\bv(?:ersion)?|\brelease|\bbuild|\bver\.?)\s*$", re.IGNORECASE)
# Phone numbers: digit groups with one kind of separator. International: "+" and a country code, 8-15 digits in
# all (E.164). National: 10-11 digits, as (415) 555-0132, 415-555-0132, 415.555.0132 or 020 7946 0958.
PHONE_INTL = re.compile(r"(?<![\w+])\+\d{1,3}(?:[ .-]?\(\d{1,4}\))?(?:[ .-]\d{1,8}){1,6}(?![\w-]|[.,]\d)")
PHONE_NATIONAL = re.compile(r"(?<![\w+.$€£/-])(?:\(\d{3,5}\) ?|\d{3,5}([ .-]))\d{3,4}(?(1)\1|[ .-])\d{4}(?![\w/-]|[.,]\d)")
DATE_LIKE = re.compile(r"^(?:\d{4}[ .-]\d{1,2}[ .-]\d{1,2}|\d{1,2}[ .-]\d{1,2}[ .-]\d{2,4})$")
# Payment cards: 13-19 digits, in groups of 4 (or Amex 4-6-5) or run together; the issuer's prefix and Luhn decide.
CARD = re.compile(r"(?<![\w.,-])(?:\d{4}([ -]?)\d{4}\1\d{4}\1\d{1,7}|\d{4}([ -]?)\d{6}\2\d{5})(?![\w-]|[.,]\d)")
CARD_PREFIX = re.compile(r"^(?:4\d{12}(?:\d{3}){0,2}|5[1-5]\d{14}|2(?:2[2-9]|[3-6]\d|7[01])\d{13}|2720\d{12}|"
                         r"3[47]\d{13}|6(?:011|5\d\d)\d{12,15}|35(?:2[89]|[3-8]\d)\d{12,15}|3(?:0[0-5]|[68]\d)\d{11,16})$")
CARD_ISSUERS = (("4", "visa"), ("5", "mastercard"), ("2", "mastercard"), ("34", "amex"), ("37", "amex"),
                ("6", "discover"), ("35", "jcb"), ("3", "diners"))

# Credentials, ported from detect-secrets 1.5.0 plugins (the plugin file is named beside each). Each rule is
# (name, literal triggers, pattern): the pattern runs only on a text holding a trigger, and starts with a literal
# where it can, so Python's re skips ahead to it (a pattern led by a character class or a look-behind costs ~60 us
# per 700 characters, a literal-led one ~5 us). That a match does not start inside a word is checked in Python.
SECRET_RULES = [
    ("private_key", ("PRIVATE KEY",), (r"-----BEGIN (?:DSA |EC |OPENSSH |PGP |RSA |SSH2 ENCRYPTED |ENCRYPTED )?PRIVATE "
     r"KEY(?: BLOCK)?-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|$)")),  # private_key.py, whole block
    ("aws_access_key", ("AKIA", "ASIA", "ABIA", "ACCA", "A3T"),
     r"(?:A3T[A-Z0-9]|ABIA|ACCA|AKIA|ASIA)[0-9A-Z]{16}(?![A-Z0-9])"),  # aws.py
    ("github_token", ("ghp_", "gho_", "ghu_", "ghs_", "ghr_"), r"gh[pousr]_[A-Za-z0-9_]{36}(?!\w)"),  # github_token.py
    ("github_token", ("github_pat_",), r"github_pat_[A-Za-z0-9_]{82}(?!\w)"),  # fine-grained token (GitHub's docs)
    ("gitlab_token", ("glpat-", "gldt-", "glft-", "glsoat-", "glrt-"),
     r"gl(?:pat|dt|ft|soat|rt)-[A-Za-z0-9_\-]{20,50}(?!\w)"),  # gitlab_token.py
    ("slack_token", ("xox",), r"xox[abposr]-(?:\d+-)+[a-zA-Z0-9]+(?!\w)"),  # slack.py
    ("slack_webhook", ("hooks.slack.com",), r"https://hooks\.slack\.com/services/T\w+/B\w+/\w+"),  # slack.py
    ("stripe_key", ("k_live_",), r"[rs]k_live_[0-9a-zA-Z]{24,99}(?!\w)"),  # stripe.py
    ("openai_key", ("T3BlbkFJ",), r"sk-[A-Za-z0-9_-]*[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}(?!\w)"),  # openai.py
    ("openai_key", ("sk-proj-", "sk-svcacct-", "sk-admin-"),
     r"sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,200}(?!\w)"),  # OpenAI's current key forms
    ("anthropic_key", ("sk-ant-",), r"sk-ant-(?:api|admin)\d\d-[A-Za-z0-9_-]{80,120}(?!\w)"),
    ("google_api_key", ("AIza",), r"AIza[0-9A-Za-z_-]{35}(?![\w-])"),
    ("sendgrid_key", ("SG.",), r"SG\.[a-zA-Z0-9_-]{22}\.[a-zA-Z0-9_-]{43}(?!\w)"),  # sendgrid.py
    ("twilio_key", ("AC", "SK"), r"(?:AC|SK)[a-z0-9]{32}(?!\w)"),  # twilio.py
    ("mailchimp_key", ("-us",), r"-us[0-9]{1,2}(?!\w)"),  # mailchimp.py: 32 characters before, checked in Python
    ("npm_token", ("npm_",), r"npm_[A-Za-z0-9]{36}(?!\w)"),  # npm.py
    ("pypi_token", ("pypi-AgE",), r"pypi-AgE(?:IcHlwaS5vcmc|NdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{70,}(?!\w)"),  # pypi_token.py
    ("square_token", ("sq0",), r"sq0(?:csp|atp)-[0-9A-Za-z_-]{22,43}(?!\w)"),  # square_oauth.py
    ("azure_storage_key", ("AccountKey=",), r"AccountKey=[a-zA-Z0-9+/=]{88}"),  # azure_storage_key.py
    ("jwt", ("eyJ",), r"eyJ[A-Za-z0-9_-]{8,}={0,2}\.eyJ[A-Za-z0-9_-]{8,}={0,2}\.[A-Za-z0-9_-]{16,}={0,2}(?![\w-]|\.\w)"),  # jwt.py
    ("discord_token", (".",), r"\.[a-zA-Z\d_-]{6}\.[a-zA-Z\d_-]{27}(?!\w)"),  # discord.py: 24-26 before, in Python
]
SECRET_PATTERNS = [(name, triggers, re.compile(p)) for name, triggers, p in SECRET_RULES]
DISCORD_HEAD = re.compile(r"[MNO][a-zA-Z\d_-]{23,25}$")
MAILCHIMP_HEAD = re.compile(r"[0-9a-z]{32}$")
# basic_auth.py: the password of user:password@host in a URL (the span is the password alone).
URL_PASSWORD = re.compile(r"://[^\s:/?#@'\"]+:(?P<value>[^\s:/?#@'\"]{3,})@[\w.-]+")
# aws.py's secret-key rule: 40 characters after a name with "aws" in it; run on the lowered text (see _secrets).
AWS_SECRET = re.compile(r"aws.{0,20}?(?:key|pwd|pw|password|pass|token)['\"]?\s*[:=]\s*['\"]?(?P<value>[0-9a-z/+]{40})"
                        r"(?![0-9a-z/+])")
# A password or key given by name (keyword.py, narrowed): `password = "..."`, `api_key: ...`; on the lowered text.
KEYWORD = re.compile(
    r"(?:pass(?:word|wd)?|pwd|secret(?:[_-]?key)?|api[_-]?key|apikey|access[_-]?key|auth[_-]?token|access[_-]?token|"
    r"client[_-]?secret|private[_-]?key)['\"]?\s*(?:[:=]|:=|=>)\s*(['\"]?)(?P<value>[^\s'\",;)}\]]{8,200})\1")
KEYWORD_TRIGGERS = ("pass", "pwd", "secret", "key", "token")
PLACEHOLDER_VALUE = re.compile(
    r"^(?:x{3,}|\*{3,}|\.{3,}|[<$%{]|(?:your|my|example|sample|dummy|changeme|placeholder|password|secret|none|"
    r"null|true|false|test|redacted)(?:[_\-.\s]|$)|(?:os|env|process|self|args?|request|config|settings)\.|getenv|"
    r"input\()", re.IGNORECASE)


def _word_before(text: str, start: int) -> bool:
    return start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_")


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _issuer(digits: str) -> str:
    return next(name for prefix, name in CARD_ISSUERS if digits.startswith(prefix))


def _looks_secret(value: str) -> bool:
    """A keyword's value that is a real credential, not code or a placeholder: no call or attribute, mixed
    characters (letters and digits, or symbols), and not a word."""
    if PLACEHOLDER_VALUE.match(value) or "(" in value or value.count(".") > 1 and value.replace(".", "").isalpha():
        return False
    classes = sum((any(c.islower() for c in value), any(c.isupper() for c in value), any(c.isdigit() for c in value),
                   any(not c.isalnum() for c in value)))
    return classes >= 2 and not (value.isidentifier() and "_" in value and value.lower() == value)


def _secrets(text: str) -> list[Span]:
    out = []
    for name, triggers, pattern in SECRET_PATTERNS:
        if not any(t in text for t in triggers):
            continue
        for m in pattern.finditer(text):
            start = m.start()
            if name == "discord_token":
                head = DISCORD_HEAD.search(text, max(0, start - 25), start)
                if head is None:
                    continue
                start = head.start()
            elif name == "mailchimp_key":
                head = MAILCHIMP_HEAD.search(text, max(0, start - 32), start)
                if head is None:
                    continue
                start = head.start()
            if not _word_before(text, start):
                out.append(Span(start, m.end(), "secret", name))
    if "://" in text:
        out += [Span(m.start("value"), m.end("value"), "secret", "url_password") for m in URL_PASSWORD.finditer(text)
                if not m.group("value").isdigit()]  # host:8080@ is a port, not a password
    lower = text.lower()
    if len(lower) != len(text):  # a few characters lower to two (İ): offsets would shift; keep the case as it is
        lower = text
    if "aws" in lower:
        out += [Span(m.start("value"), m.end("value"), "secret", "aws_secret_key") for m in AWS_SECRET.finditer(lower)]
    if any(t in lower for t in KEYWORD_TRIGGERS):
        for m in KEYWORD.finditer(lower):
            value = text[m.start("value"):m.end("value")]
            before = lower[m.start() - 1] if m.start() else " "
            if not before.isalnum() and _looks_secret(value):  # db_password = ... counts, mypassword = ... not
                out.append(Span(m.start("value"), m.end("value"), "secret", "password_or_key"))
    return out


def _cards(text: str, lo: int, hi: int) -> list[Span]:
    out = []
    for m in CARD.finditer(text, lo, hi):
        digits = re.sub(r"\D", "", m.group())
        if 13 <= len(digits) <= 19 and CARD_PREFIX.match(digits) and _luhn(digits):
            out.append(Span(m.start(), m.end(), "card_number", _issuer(digits)))
    return out


def _ipv4(text: str, lo: int, hi: int) -> list[Span]:
    out = []
    for m in IPV4.finditer(text, lo, hi):
        if VERSION_BEFORE.search(text, max(0, m.start() - 12), m.start()):
            continue  # "version 1.2.3.4"
        if ipaddress.ip_address(m.group()).is_global:  # datatrove's rule: private and local addresses are no PII
            out.append(Span(m.start(), m.end(), "ip_address", "ipv4"))
    return out


def _ipv6(text: str) -> list[Span]:
    out = []
    for m in IPV6.finditer(text):
        try:
            address = ipaddress.ip_address(m.group())
        except ValueError:
            continue
        if address.is_global:
            out.append(Span(m.start(), m.end(), "ip_address", "ipv6"))
    return out


def _phones(text: str, lo: int, hi: int) -> list[Span]:
    out = []
    for m in PHONE_INTL.finditer(text, lo, hi):
        if 8 <= sum(c.isdigit() for c in m.group()) <= 15:
            out.append(Span(m.start(), m.end(), "phone", "international"))
    for m in PHONE_NATIONAL.finditer(text, lo, hi):
        raw = m.group()
        if 10 <= sum(c.isdigit() for c in raw) <= 11 and not DATE_LIKE.match(raw):
            out.append(Span(m.start(), m.end(), "phone", "national"))
    return out


def _emails(text: str) -> list[Span]:
    """datatrove's pattern, tried where the local part before each "@" starts (a class-led pattern searched over
    the whole text costs ~30x more)."""
    out, at = [], text.find("@")
    while at >= 0:
        start = at
        while start > 0 and text[start - 1] in EMAIL_LOCAL and at - start < 64:
            start -= 1
        for begin in range(start, at):
            m = EMAIL.match(text, begin)
            if m and m.end() > at + 1:
                if not _word_before(text, m.start()):
                    out.append(Span(m.start(), m.end(), "email", "email"))
                break
        at = text.find("@", at + 1)
    return out


def find_pii(text: str, *, kinds: tuple[str, ...] = KINDS) -> list[Span]:
    """Every match of the wanted kinds in `text`, sorted; where two overlap the longer is kept (a card number is
    not also a phone number; a key block is one secret, not a key and an e-mail inside it)."""
    if not text:
        return []
    found: list[Span] = []
    if "secret" in kinds:
        found += _secrets(text)
    if "email" in kinds and "@" in text:
        found += _emails(text)
    # Cards, IPv4 addresses and phone numbers are looked for only around runs of 7+ digits and separators.
    for m in DIGIT_RUN.finditer(text):
        lo, hi = max(0, m.start() - 2), min(len(text), m.end() + 3)
        if "card_number" in kinds:
            found += _cards(text, lo, hi)
        if "ip_address" in kinds:
            found += _ipv4(text, lo, hi)
        if "phone" in kinds:
            found += _phones(text, lo, hi)
    if "ip_address" in kinds and IPV6_HINT.search(text):
        found += _ipv6(text)
    # Where matches overlap, the more specific kind wins (a password inside user:password@host is not an
    # e-mail; a Luhn-valid card is not a phone number), then the longer match.
    found.sort(key=lambda s: (PRIORITY[s.kind], -(s.end - s.start), s.start))
    kept: list[Span] = []
    for span in found:
        if not any(span.start < k.end and k.start < span.end for k in kept):
            kept.append(span)
    return sorted(kept)


def redact(text: str, spans: list[Span] | None = None) -> str:
    """`text` with each span replaced by its kind's placeholder (spans from find_pii when not given)."""
    spans = find_pii(text) if spans is None else spans
    out, at = [], 0
    for span in sorted(spans):
        out.append(text[at:span.start])
        out.append(PLACEHOLDERS[span.kind])
        at = span.end
    out.append(text[at:])
    return "".join(out)


def redact_value(value, found: dict[str, int] | None = None):
    """`value` with every string in it redacted (lists and dicts walked, e.g. chat messages); `found` (kind ->
    count) is updated with what was replaced."""
    if isinstance(value, str):
        spans = find_pii(value)
        if found is not None:
            for span in spans:
                found[span.kind] = found.get(span.kind, 0) + 1
        return redact(value, spans) if spans else value
    if isinstance(value, list):
        return [redact_value(v, found) for v in value]
    if isinstance(value, dict):
        return {k: redact_value(v, found) for k, v in value.items()}
    return value
