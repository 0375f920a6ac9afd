"""Planted data for the release-check tests: a PII / secrets corpus and contamination copies, in real text.

    docs = planted_pii_corpus(seed)     # [{"text", "planted": [(start, end, kind, detail)], "negatives": [...]}]

Base texts come from ../shared/data (Dolly, oasst1, C4, Alpaca) where find_pii finds nothing before planting.
Each document gets 0-3 planted items and 1-3 hard negatives (versions, dates, hashes, ISBNs, prices, numbers,
code, private IPs, Luhn-failing serials, arithmetic, placeholder secrets, @handles), each in a short sentence at
a sentence boundary. Values come from a seeded RNG: cards pass Luhn with a real issuer prefix, keys have their
provider's shape; none is a real credential.
"""
from __future__ import annotations

import base64
import glob
import gzip
import hashlib
import ipaddress
import json
import random
import re
import string
import uuid
from pathlib import Path

from tests.conftest import SHARED_DATA as DATA

NAMES = ["john", "maria", "wei", "fatima", "olga", "kenji", "amara", "luca", "sofia", "ahmed", "priya", "noah"]
SURNAMES = ["smith", "garcia", "chen", "khan", "ivanova", "tanaka", "okafor", "rossi", "muller", "haddad"]
DOMAINS = ["gmail.com", "outlook.com", "company.co.uk", "uni-heidelberg.de", "mail.example.org", "proton.me",
           "yahoo.co.jp", "acme-corp.io"]


def base_texts(limit: int = 6_000, seed: int = 0) -> list[str]:
    """Real texts (Dolly, oasst1, C4, the first 5,000 Alpaca outputs), at least 80 characters, shuffled."""
    texts = []
    for line in (DATA / "dolly_15k_sample/dolly_sample.jsonl").read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        texts += [r["response"], r["context"]]
    for line in (DATA / "oasst1_en_validation/en-validation.jsonl").read_text(encoding="utf-8").splitlines():
        texts.append(json.loads(line)["text"])
    for line in (DATA / "reference_c4_demo/c4_demo.jsonl").read_text(encoding="utf-8").splitlines():
        texts.append(json.loads(line)["text"])
    for path in sorted(glob.glob(str(DATA / "alpaca_52k_en_zh/data/*.json.gz")))[:5]:
        texts += [r["en_output"] for r in json.loads(gzip.decompress(Path(path).read_bytes()).decode("utf-8"))]
    texts = [t for t in texts if len(t) >= 80]
    random.Random(seed).shuffle(texts)
    return texts[:limit]


def _luhn_complete(prefix: str, length: int, rng: random.Random) -> str:
    body = prefix + "".join(rng.choice(string.digits) for _ in range(length - len(prefix) - 1))
    for check in string.digits:
        digits = body + check
        total = sum((d * 2 - 9 if d * 2 > 9 else d * 2) if i % 2 else d
                    for i, d in enumerate(int(c) for c in reversed(digits)))
        if total % 10 == 0:
            return digits
    raise AssertionError


def _rand(rng, alphabet, n):
    return "".join(rng.choice(alphabet) for _ in range(n))


AZ09 = string.ascii_uppercase + string.digits
ALNUM = string.ascii_letters + string.digits
B64URL = ALNUM + "-_"


def _jwt(rng) -> str:
    enc = lambda d: base64.urlsafe_b64encode(json.dumps(d).encode()).decode().rstrip("=")
    return f"{enc({'alg': 'HS256', 'typ': 'JWT'})}.{enc({'sub': str(rng.randint(1, 10**9)), 'name': rng.choice(NAMES)})}." \
           f"{_rand(rng, B64URL, 43)}"


def _private_key(rng) -> str:
    kind = rng.choice(["RSA ", "EC ", "OPENSSH ", ""])
    body = "\n".join(_rand(rng, ALNUM + "+/", 64) for _ in range(rng.randint(3, 8)))
    return f"-----BEGIN {kind}PRIVATE KEY-----\n{body}\n-----END {kind}PRIVATE KEY-----"


def positive(rng: random.Random) -> tuple[str, str, str]:
    """(kind, detail, value) of one planted item."""
    kind = rng.choice(["email", "phone", "ip_address", "card_number", "secret", "secret"])
    if kind == "email":
        a, b = rng.choice(NAMES), rng.choice(SURNAMES)
        local = rng.choice([f"{a}.{b}", f"{a}_{b}{rng.randint(1, 99)}", f"{a[0]}{b}", f"{a.title()}.{b.title()}",
                            f"{a}+news"])
        return kind, "email", f"{local}@{rng.choice(DOMAINS)}"
    if kind == "phone":
        d = lambda n: _rand(rng, string.digits, n)
        area = str(rng.randint(201, 989))
        value = rng.choice([f"({area}) 555-{d(4)}", f"{area}-555-{d(4)}", f"{area}.555.{d(4)}",
                            f"+1 {area} 555 {d(4)}", f"+1-{area}-555-{d(4)}", f"+44 20 7946 {d(4)}",
                            f"+44 7700 900{d(3)}", f"+49 30 {d(8)}", f"+33 1 {d(2)} {d(2)} {d(2)} {d(2)}",
                            f"+91 98{d(3)} {d(5)}", f"+81 3-{d(4)}-{d(4)}", f"020 7946 {d(4)}", f"+61 2 {d(4)} {d(4)}"])
        return kind, "phone", value
    if kind == "ip_address":
        while True:
            if rng.random() < 0.8:
                value = ".".join(str(rng.randint(1, 223)) for _ in range(4))
            else:
                value = f"2a0{rng.randint(0, 9)}:" + ":".join(f"{rng.randint(0, 65535):x}" for _ in range(7))
            if ipaddress.ip_address(value).is_global:
                return kind, "ip", value
    if kind == "card_number":
        issuer, prefix, length = rng.choice([("visa", "4", 16), ("mastercard", "5" + str(rng.randint(1, 5)), 16),
                                             ("mastercard", "2221", 16), ("amex", rng.choice(["34", "37"]), 15),
                                             ("discover", "6011", 16), ("jcb", "3530", 16)])
        digits = _luhn_complete(prefix, length, rng)
        sep = rng.choice([" ", "-", ""])
        value = (f"{digits[:4]}{sep}{digits[4:10]}{sep}{digits[10:]}" if length == 15
                 else sep.join(digits[i:i + 4] for i in range(0, 16, 4)))
        return kind, issuer, value
    detail = rng.choice(["aws_access_key", "github_token", "gitlab_token", "slack_token", "stripe_key", "openai_key",
                         "google_api_key", "sendgrid_key", "jwt", "private_key", "password", "url_password",
                         "api_key_named"])
    value = {
        "aws_access_key": lambda: "AKIA" + _rand(rng, AZ09, 16),
        "github_token": lambda: "ghp_" + _rand(rng, ALNUM, 36),
        "gitlab_token": lambda: "glpat-" + _rand(rng, B64URL, 20),
        "slack_token": lambda: f"xoxb-{rng.randint(10**9, 10**10)}-{rng.randint(10**9, 10**10)}-{_rand(rng, string.ascii_lowercase + string.digits, 24)}",
        "stripe_key": lambda: "sk_live_" + _rand(rng, ALNUM, 24),
        "openai_key": lambda: "sk-proj-" + _rand(rng, B64URL, 64),
        "google_api_key": lambda: "AIza" + _rand(rng, B64URL, 35),
        "sendgrid_key": lambda: f"SG.{_rand(rng, B64URL, 22)}.{_rand(rng, B64URL, 43)}",
        "jwt": lambda: _jwt(rng),
        "private_key": lambda: _private_key(rng),
        "password": lambda: _rand(rng, ALNUM, 6) + rng.choice("!@#&%") + _rand(rng, string.digits, 3),
        "url_password": lambda: _rand(rng, ALNUM, 10),
        "api_key_named": lambda: _rand(rng, string.hexdigits.lower()[:16], 32),
    }[detail]()
    return "secret", detail, value


TEMPLATES = {
    "email": ["You can reach me at {v} for details.", "Contact: {v}", "Send the form to {v} before Friday."],
    "phone": ["Call us at {v} if anything changes.", "Phone: {v}", "My number is {v}, text me."],
    "ip_address": ["The server answers on {v} right now.", "Blocked requests from {v} yesterday.", "host = {v}"],
    "card_number": ["Card number: {v}", "I paid with {v} and it was declined.", "cc {v} exp 04/27"],
    "secret": ["Use this key: {v}", "export TOKEN={v}", "The bot token is {v}."],
}
SECRET_TEMPLATES = {
    "password": ['password = "{v}"', "DB_PASSWORD={v}", "Login with admin / password: {v}"],
    "url_password": ["DATABASE_URL=postgres://admin:{v}@db.internal.example.com:5432/app"],
    "api_key_named": ["api_key: {v}", 'API_KEY = "{v}"'],
    "private_key": ["Here is my key:\n{v}\n"],
}


def negative(rng: random.Random) -> tuple[str, str]:
    """(what, sentence) of one hard negative: looks like PII or a secret, is not."""
    d = lambda n: _rand(rng, string.digits, n)
    what = rng.choice(["version", "date", "hash", "isbn", "price", "number", "code", "private_ip", "not_luhn",
                       "math", "placeholder_secret", "handle"])
    sentence = {
        "version": lambda: rng.choice([f"Upgrade to v{rng.randint(1, 9)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}.",
                                       f"Python {rng.randint(2, 3)}.{rng.randint(0, 12)}.{rng.randint(0, 9)} is needed.",
                                       f"Firmware version {rng.randint(1, 9)}.{rng.randint(0, 9)}.{rng.randint(0, 99)}.{rng.randint(0, 999)} fixed it.",
                                       f"Windows 10 build 10.0.{d(5)}.{d(3)} is out."]),
        "date": lambda: rng.choice([f"It happened on 20{d(2)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}.",
                                    f"Due 0{rng.randint(1, 9)}/1{rng.randint(0, 9)}/20{d(2)}.",
                                    f"Logged at 2024-03-1{rng.randint(0, 9)}T10:3{rng.randint(0, 9)}:00Z.",
                                    f"Meeting 12.0{rng.randint(1, 9)}.2024 at 10:30."]),
        "hash": lambda: rng.choice([f"sha256 {hashlib.sha256(d(8).encode()).hexdigest()}",
                                    f"commit {hashlib.sha1(d(8).encode()).hexdigest()}",
                                    f"md5: {hashlib.md5(d(8).encode()).hexdigest()}", f"id {uuid.UUID(int=rng.getrandbits(128))}"]),
        "isbn": lambda: rng.choice(["ISBN 978-0-306-40615-7", "ISBN-10: 0-306-40615-2", "ISBN 9780262033848",
                                    "ISBN 978 1 4028 9462 6"]),
        "price": lambda: rng.choice([f"It costs ${rng.randint(1, 9)},{d(3)}.99.", f"Price: €{d(2)}.{d(3)},{d(2)}",
                                     f"Revenue was USD {rng.randint(1, 9)},{d(3)},{d(3)} last year."]),
        "number": lambda: rng.choice([f"The city has {rng.randint(1, 9)},{d(3)},{d(3)} people.",
                                      f"Pi is 3.{d(14)}.", f"Coordinates 40.{d(4)}, -74.{d(4)}.",
                                      f"Order #{d(12)} shipped.", f"ZIP 9{d(4)}-{d(4)}", f"Tracking 1Z{d(3)}AA{d(10)}"]),
        "code": lambda: rng.choice(['password = input("Password: ")', "token = tokens[0]",
                                    'api_key = os.environ["API_KEY"]', "secret_key = settings.SECRET_KEY",
                                    "ssh user@localhost", "@app.route('/login')", "x = a.b.c.d + 1.2.3"]),
        "private_ip": lambda: rng.choice([f"Router at 192.168.{rng.randint(0, 255)}.{rng.randint(1, 254)}.",
                                          f"Bind to 127.0.0.{rng.randint(1, 9)}.", f"Use 10.{rng.randint(0, 255)}.0.{rng.randint(1, 254)}.",
                                          f"Docker uses 172.17.0.{rng.randint(2, 200)}."]),
        "not_luhn": lambda: f"Serial {_not_luhn(rng)}",
        "math": lambda: rng.choice([f"{rng.randint(2, 9)}x + {rng.randint(1, 9)} = {rng.randint(10, 99)}",
                                    f"({d(3)} - {d(3)}) * {d(2)} = {d(5)}", "Sequence 10-20-30-40-50."]),
        "placeholder_secret": lambda: rng.choice(['API_KEY = "YOUR_API_KEY"', "password: ********", 'password = "password"',
                                                  "The password must be at least 8 characters.", "token: <your-token-here>"]),
        "handle": lambda: rng.choice(["Follow @openai on X.", "Ping @maria_garcia in the channel.", "email me (at) example dot com"]),
    }[what]()
    return what, sentence


def _not_luhn(rng) -> str:
    digits = _luhn_complete("4", 16, rng)
    digits = digits[:-1] + str((int(digits[-1]) + 1) % 10)
    return " ".join(digits[i:i + 4] for i in range(0, 16, 4))


def _insert(text: str, sentence: str, rng, taken=()) -> tuple[str, int, int, int]:
    """`text` with `sentence` put at a random sentence boundary outside the `taken` (start, end) ranges: (new
    text, the cut, where the sentence starts, characters inserted)."""
    cuts = [0] + [m.end() for m in re.finditer(r"[.!?]\s+|\n", text)] + [len(text)]
    cuts = [c for c in cuts if not any(s < c < e for s, e, *_ in taken)]
    at = rng.choice(cuts)
    before = text[:at]
    glue = "" if not before or before.endswith((" ", "\n")) else " "
    return before + glue + sentence + " " + text[at:], at, at + len(glue), len(glue) + len(sentence) + 1


def planted_pii_corpus(seed: int = 0, n: int = 2_000) -> list[dict]:
    from mixmap.core.checks.pii import find_pii

    rng = random.Random(seed)
    texts = [t for t in base_texts(seed=seed) if not find_pii(t)][:n]
    docs = []
    for text in texts:
        plan = [("pos", positive(rng)) for _ in range(rng.randint(0, 3))] + \
               [("neg", negative(rng)) for _ in range(rng.randint(1, 3))]
        rng.shuffle(plan)
        planted, negatives = [], []
        for sort, item in plan:
            if sort == "pos":
                kind, detail, value = item
                template = rng.choice(SECRET_TEMPLATES.get(detail) or TEMPLATES[kind])
                sentence = template.format(v=value)
            else:
                what, sentence = item
            text, cut, at, shift = _insert(text, sentence, rng, planted + negatives)
            planted = [(s + shift, e + shift, k, dt) if s >= cut else (s, e, k, dt) for s, e, k, dt in planted]
            negatives = [(s + shift, e + shift, w) if s >= cut else (s, e, w) for s, e, w in negatives]
            if sort == "pos":
                start = at + sentence.index(value)
                planted.append((start, start + len(value), kind, detail))
            else:
                negatives.append((at, at + len(sentence), what))
        for s, e, k, dt in planted:
            assert text[s:e], (s, e)  # every planted value is where the record says
        docs.append({"text": text, "planted": planted, "negatives": negatives})
    return docs


# ---- a small stored dataset with known flags, and an eval set ------------------------------------------------
SCRIPT = '<script>alert("x")</script> <b>bold</b>'
EVAL_TEXTS = [
    "The mitochondria is the powerhouse of the cell, producing most of the chemical energy needed by the cell.",
    "Photosynthesis converts light energy into chemical energy stored in glucose, releasing oxygen as a by-product.",
    "The French Revolution began in 1789 and led to the end of the absolute monarchy in France and its colonies.",
    "Write a haiku about autumn leaves falling gently on a quiet pond at dusk while the wind sings softly.",
]
PII_TEXTS = ["Write to maria.garcia@outlook.com for the form.", "Call me on +44 20 7946 0958 after six.",
             "The card 4111 1111 1111 1111 was declined.", "export GITHUB_TOKEN=ghp_" + "a1B2" * 9]
OTHER_LANGUAGES = {"fr": "Bonjour tout le monde, je suis très heureux de vous voir aujourd'hui dans notre belle ville.",
                   "zh": "今天天气很好，我们一起去公园散步吧，然后去吃午饭。",
                   "de": "Heute ist ein schöner Tag, und wir gehen zusammen in den Park, um spazieren zu gehen."}
TOPICS = ("gardening tomato soil compost seed water sun", "cycling chain gear brake wheel saddle road",
          "baking flour oven butter sugar dough bread")


def checks_rows(seed: int = 3) -> list[dict]:
    """English topic rows, plus rows with personal data, rows in fr / zh / de, rows containing an eval item
    (verbatim, and lightly edited), and a row with markup. `group` says which is which."""
    rng = random.Random(seed)
    rows = []
    for t, topic in enumerate(TOPICS):
        words = topic.split()
        for i in range(10):
            rows.append({"instruction": f"Tell me about {words[0]} please, number {i}", "input": "",
                         "output": f"Here is what I know about {words[0]}: " + " ".join(rng.choice(words[1:]) for _ in range(12))
                         + ". That is all I can say about it today.", "group": f"topic{t}"})
    for i, text in enumerate(PII_TEXTS):
        rows.append({"instruction": f"Answer the message {i}", "input": "", "output": text, "group": "pii"})
    for lang, text in OTHER_LANGUAGES.items():
        rows.append({"instruction": "", "input": "", "output": text, "group": lang})
    rows.append({"instruction": "Explain cells.", "input": "", "output": "Sure. " + EVAL_TEXTS[0], "group": "contaminated"})
    rows.append({"instruction": "Explain plants.", "input": "",
                 "output": EVAL_TEXTS[1].upper().replace(",", "").replace(" ", "  "), "group": "contaminated"})
    rows.append({"instruction": "Show markup", "input": "", "output": f"{SCRIPT} reach me at evil@example.com",
                 "group": "pii"})
    return rows


def build_checks_dataset(workspace, folder, name: str = "chk"):
    """Ingest checks_rows (text = instruction, input, output), embed with the fake embedder, write a map and
    clusters directly (no UMAP), and ingest the eval set as dataset "evalset". Returns (dataset, eval, groups)."""
    import numpy as np
    import pyarrow as pa

    from mixmap.core.build.cluster import label_clusters, write_clusters
    from mixmap.core.embed.stage import embed_dataset
    from mixmap.core.explore.view import parse_meta
    from mixmap.core.ingest.files import TextSpec, ingest_into
    from tests.conftest import FakeEmbedder, write_jsonl

    ds = workspace.dataset(name, create=True)
    ingest_into(ds, write_jsonl(folder / "checks.jsonl", checks_rows()),
                spec=TextSpec(template="{instruction}\n{input}\n{output}"))
    embed_dataset(ds, FakeEmbedder())
    rows = ds.read_rows(["id", "text", "meta"]).to_pandas()
    groups = [parse_meta(m)["group"] for m in rows["meta"]]
    numbers = {g: i for i, g in enumerate(sorted(set(groups)))}
    labels = np.array([numbers[g] for g in groups], dtype=np.int32)
    ids = rows["id"].tolist()
    write_clusters(ds, ids, labels, label_clusters(rows["text"].tolist(), labels))
    rng = np.random.default_rng(0)
    xy = np.array([[labels[i] * 3.0, 0.0] for i in range(len(ids))]) + rng.normal(0, 0.4, (len(ids), 2))
    ds.write_frame("layout", pa.table({"id": ids, "x": xy[:, 0].astype(np.float32), "y": xy[:, 1].astype(np.float32)}))
    ref = workspace.dataset("evalset", create=True)
    ingest_into(ref, write_jsonl(folder / "eval.jsonl", [{"text": t} for t in EVAL_TEXTS]))
    by_group: dict[str, list[str]] = {}
    for row_id, g in zip(ids, groups):
        by_group.setdefault(g, []).append(row_id)
    return ds, ref, by_group


def alpaca_rows(parts: int = 5) -> list[str]:
    rows = []
    for path in sorted(glob.glob(str(DATA / "alpaca_52k_en_zh/data/*.json.gz")),
                       key=lambda p: int(re.search(r"_(\d+)\.json", p).group(1)))[:parts]:
        for r in json.loads(gzip.decompress(Path(path).read_bytes()).decode("utf-8")):
            rows.append("\n".join(x for x in (r["en_instruction"], r["en_input"], r["en_output"]) if x))
    return rows


def alpaca_eval_outputs(limit: int = 10_000) -> list[str]:
    items = []
    for path in sorted(glob.glob(str(DATA / "alpaca_eval_model_outputs/results/*/model_outputs.json"))):
        items += [r["output"] for r in json.loads(Path(path).read_text(encoding="utf-8"))]
    return items[:limit]


def edit_copy(text: str, how: str, rng: random.Random) -> str:
    """A lightly edited copy: "case" changes letter case and whitespace, "punct" drops or moves commas and full
    stops, changes quotes and adds "!", "verbatim" leaves it."""
    if how == "case":
        words = text.split(" ")
        text = " ".join(w.upper() if rng.random() < 0.3 else w.title() if rng.random() < 0.3 else w for w in words)
        return re.sub(r" ", lambda m: rng.choice(["  ", " ", "\n", "\t ", " "]), text)
    if how == "punct":
        text = re.sub(r"[,.;:](?=\s)", lambda m: rng.choice(["", "", " ,", m.group()]), text)
        return text.replace('"', "“").replace("'", "’").replace("?", "?!")
    return text


# ---- a labelled multilingual sample (labels from where each text came from, never from a detector) ----------
# alpaca_52k_en_zh: en_instruction / en_output -> "en", the Chinese translation's instruction / output -> "zh"
# (a zh text without Han characters, an en text with them, texts with no language -- code, formulas, numbers --
# and rows whose task names another language are dropped); the en_output of "Translate ... into French /
# Spanish / German / Japanese / Italian" tasks -> that language, after a hand audit (OUTPUT_EXCLUDED: each row
# dropped and why); AlpacaEval's French translations of one article and German answers; oasst1's es / is rows.
HAN = re.compile(r"[\u4e00-\u9fff]")
TRANSLATE = re.compile(r"\b(?:in|into|to)\s+(French|Spanish|German|Italian|Japanese)\b", re.IGNORECASE)
CODES = {"french": "fr", "spanish": "es", "german": "de", "italian": "it", "japanese": "ja"}
# Hand audit of the translation outputs (read one by one): rows whose output is not in the asked language.
OUTPUT_EXCLUDED = {
    694: "English sentence quoting the Spanish", 4192: "English sentence", 22412: "asked French, answered Spanish",
    23901: "English sentence", 28183: "English sentence", 31745: "English", 24795: "romanised Japanese",
    33794: "English + Spanish mixed", 39854: "Spanish with English quote", 21313: "ja + English note",
    35975: "ja + English note", 36290: "Hindi (not a target here)", 9925: "two words in quotes",
    6314: "single word", 6888: "single word", 7657: "single word", 29266: "single word", 30363: "single word",
    22421: "single word", 28050: "three words",
}


def _alpaca_records() -> list[dict]:
    paths = sorted(glob.glob(str(DATA / "alpaca_52k_en_zh/data/*.json.gz")),
                   key=lambda p: int(re.search(r"_(\d+)\.json", p).group(1)))
    rows: list[dict] = []
    for path in paths:
        rows += json.loads(gzip.decompress(Path(path).read_bytes()).decode("utf-8"))
    return rows


FOREIGN_TASK = re.compile(r"translat|french|spanish|german|italian|japanese|chinese|portuguese|latin|language", re.IGNORECASE)


def has_language(text: str) -> bool:
    """Text that is mostly letters (formulas, code, lists of numbers or names say no language): at least half of
    its non-space characters are letters and it has 2+ words of 3+ letters (or 2+ Han characters)."""
    chars = [c for c in text if not c.isspace()]
    letters = sum(c.isalpha() for c in chars)
    words = len(re.findall(r"[^\W\d_]{3,}", text)) + len(HAN.findall(text))
    return bool(chars) and letters >= 0.5 * len(chars) and words >= 2


def length_bucket(text: str) -> str:
    return "short" if len(text) <= 60 else "long" if len(text) > 200 else "medium"


def labelled_language_sample(n_pairs: int = 2_000, seed: int = 0) -> list[dict]:
    """[{text, lang, source, bucket}]: en/zh from `n_pairs` seeded Alpaca rows (instruction and output of each,
    so short and long texts), plus the audited other-language rows."""
    rows = _alpaca_records()
    rng = random.Random(seed)
    picked = rng.sample(range(len(rows)), n_pairs)
    out = []
    for i in picked:
        r = rows[i]
        if FOREIGN_TASK.search(r["en_instruction"] + " " + r["en_input"]):
            continue  # its output may be in another language: those rows are labelled by the audit below
        for field_en, field_zh, kind in (("en_instruction", "instruction", "instruction"),
                                          ("en_output", "output", "output")):
            en, zh = r[field_en].strip(), r[field_zh].strip()
            if has_language(en) and not HAN.search(en):
                out.append({"text": en, "lang": "en", "source": f"alpaca:{kind}"})
            if has_language(zh) and HAN.search(zh) and zh != en:
                out.append({"text": zh, "lang": "zh", "source": f"alpaca_zh:{kind}"})
    for i, r in enumerate(rows):
        m = TRANSLATE.search(r["en_instruction"])
        if m and re.search(r"translat", r["en_instruction"], re.IGNORECASE) and i not in OUTPUT_EXCLUDED:
            lang = CODES[m.group(1).lower()]
            out.append({"text": r["en_output"].strip(), "lang": lang, "source": f"alpaca_translation:{i}"})
    for path in glob.glob(str(DATA / "alpaca_eval_model_outputs/results/*/model_outputs.json")):
        for r in json.loads(Path(path).read_text(encoding="utf-8")):
            text = r["output"].strip()
            if text.startswith("La dentisterie") and r["generator"] != "alpaca-7b":  # alpaca-7b's is franglais
                out.append({"text": text, "lang": "fr", "source": f"alpaca_eval:{r['generator']}"})
            elif text.startswith("Ja, ich kann Deutsch sprechen."):
                out.append({"text": text.split(" (Yes")[0], "lang": "de", "source": f"alpaca_eval:{r['generator']}"})
    for line in (DATA / "oasst1_en_validation/en-validation.jsonl").read_text(encoding="utf-8").splitlines():
        text = json.loads(line)["text"].strip()
        if text.startswith(("ARGUMENTOS EN CONTRA", "Hola. Yo simplemente")):
            out.append({"text": text, "lang": "es", "source": "oasst1"})
        elif text.startswith("Halló, ég er Freyja"):
            out.append({"text": text, "lang": "is", "source": "oasst1"})
    for row in out:
        row["bucket"] = length_bucket(row["text"])
    return out
