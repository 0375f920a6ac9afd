"""Reading the checks' results back: a summary per check, the flagged rows, the overlaps to read; and the one
marking action that excludes what a check flags (undo it with mixmap.core.store.marks.undo)."""
from __future__ import annotations

import pandas as pd
import pyarrow.compute as pc

from mixmap.core.checks.dataset import (
    CHECKS,
    DECONTAM_FRAME,
    LANG_FRAME,
    MATCHES_TABLE,
    MIXED_SHARE,
    PII_FRAME,
    ChecksError,
)
from mixmap.core.checks.pii import KINDS
from mixmap.core.store.marks import apply_marks, marks_version

COMMANDS = {"decontam": "mixmap decontaminate {name} --against EVAL", "langid": "mixmap langid {name}",
            "pii": "mixmap pii {name}"}
FRAMES = {"decontam": DECONTAM_FRAME, "langid": LANG_FRAME, "pii": PII_FRAME}


def _frame(dataset, check: str, columns: list[str]) -> pd.DataFrame:
    if check not in CHECKS:
        raise ChecksError(f"check must be one of {', '.join(CHECKS)}, not {check!r}")
    table = dataset.read_frame(FRAMES[check], ["id", *columns])
    if table is None:
        raise ChecksError(f"{dataset.name!r} has no {check} results yet; run `{COMMANDS[check].format(name=dataset.name)}`")
    return table.to_pandas()


def main_language(dataset) -> str:
    langs = _frame(dataset, "langid", ["lang"])["lang"]
    counts = langs[langs != ""].value_counts()
    return str(counts.index[0]) if len(counts) else ""


def flagged_ids(dataset, check: str, *, keep: tuple[str, ...] | None = None, ref: str | None = None,
                kinds: tuple[str, ...] | None = None) -> list[str]:
    """Ids a check flags, in stored order. decontam: rows sharing an n-gram with an eval item (of `ref` only,
    when given); langid: rows whose language is not in `keep` (default: the main language), rows with no
    language included; pii: rows with personal data or a secret (of `kinds` only, when given)."""
    if check == "decontam":
        frame = _frame(dataset, check, ["contaminated"])
        if ref is None:
            return frame.loc[frame["contaminated"] > 0, "id"].tolist()
        matches = dataset.read_frame(MATCHES_TABLE, ["row_id", "ref"])
        known = set() if matches is None else set(matches.filter(pc.equal(matches.column("ref"), ref))
                                                  .column("row_id").to_pylist())
        return frame.loc[frame["id"].isin(known), "id"].tolist()
    if check == "langid":
        frame = _frame(dataset, check, ["lang"])
        wanted = set(keep) if keep else {main_language(dataset)}
        return frame.loc[~frame["lang"].isin(wanted), "id"].tolist()
    unknown = sorted(set(kinds or ()) - set(KINDS))
    if unknown:
        raise ChecksError(f"unknown kind {', '.join(unknown)}; kinds are {', '.join(KINDS)}")
    columns = [f"pii_{k}" for k in (kinds or KINDS)]
    frame = _frame(dataset, check, columns)
    return frame.loc[frame[columns].sum(axis=1) > 0, "id"].tolist()


def exclude_flagged(dataset, check: str, *, keep: tuple[str, ...] | None = None, ref: str | None = None,
                    kinds: tuple[str, ...] | None = None) -> dict:
    """Mark every row the check flags `exclude`, tagged `check:<check>`: one marks version (undoable)."""
    ids = flagged_ids(dataset, check, keep=keep, ref=ref, kinds=kinds)
    if check == "decontam":
        what = f"contaminated{f' by {ref}' if ref else ''}"
    elif check == "langid":
        what = f"not in {', '.join(keep) if keep else main_language(dataset) or 'any language'}"
    else:
        what = f"with {', '.join(kinds) if kinds else 'personal data or secrets'}"
    message = f"checks: exclude {len(ids):,} rows {what}"
    touched = apply_marks(dataset, ids, mark="exclude", add_tags=[f"check:{check}"], message=message) if ids else 0
    return {"dataset": dataset.name, "check": check, "excluded": touched, "message": message,
            "marks_version": marks_version(dataset)}


def check_summary(dataset) -> list[dict]:
    """One dict per check: check, title, ran, rows_checked, flagged (rows), detail (one line), command."""
    rows = dataset.count()
    out = []
    for check, title in (("decontam", "Contamination with eval sets"), ("langid", "Language"),
                         ("pii", "Personal data and secrets")):
        entry = {"check": check, "title": title, "ran": False, "rows_checked": 0, "flagged": 0, "detail": "not run",
                 "command": COMMANDS[check].format(name=dataset.name), "rows": rows}
        if dataset.has_frame(FRAMES[check]):
            entry.update(ran=True, rows_checked=dataset.count_frame_rows(FRAMES[check]))
            entry.update(_describe(dataset, check))
        out.append(entry)
    return out


def _describe(dataset, check: str) -> dict:
    if check == "langid":
        frame = _frame(dataset, check, ["lang", "lang_share"])
        counts = frame["lang"].replace("", "none").value_counts()
        main = main_language(dataset)
        mixed = int(((frame["lang_share"] < MIXED_SHARE) & (frame["lang"] != "")).sum())
        shares = ", ".join(f"{k} {v / len(frame):.1%}" for k, v in counts.head(5).items())
        return {"flagged": int((frame["lang"] != main).sum()), "main": main, "languages": counts.to_dict(),
                "mixed": mixed, "detail": f"{len(counts)} languages ({shares}); {mixed:,} mixed rows; flagged: not {main}"}
    if check == "pii":
        frame = _frame(dataset, check, ["pii_count", *[f"pii_{k}" for k in KINDS]])
        found = {k: int((frame[f"pii_{k}"] > 0).sum()) for k in KINDS}
        return {"flagged": int((frame["pii_count"] > 0).sum()), "by_kind": found,
                "detail": ", ".join(f"{k.replace('_', ' ')} {v:,}" for k, v in found.items()) + " (rows)"}
    frame = _frame(dataset, check, ["contaminated"])
    refs = (dataset.meta.get("checks") or {}).get("decontam") or {}
    per_ref = {name: s.get("rows_flagged", 0) for name, s in refs.items()}
    detail = "; ".join(f"{name} ({refs[name].get('n', 13)}-grams): {count:,} rows, "
                       f"{refs[name].get('items_matched', 0):,} eval items" for name, count in per_ref.items())
    return {"flagged": int((frame["contaminated"] > 0).sum()), "by_ref": per_ref, "detail": detail or "no reference yet"}


def contamination_matches(dataset, *, ids: list[str] | None = None, ref: str | None = None) -> pd.DataFrame:
    """The overlaps (row_id, ref, item_id, row_start, row_end, item_start, item_end, ngrams, n), most n-grams
    first; only for `ids` / `ref` when given."""
    table = dataset.read_frame(MATCHES_TABLE)
    if table is None:
        raise ChecksError(f"{dataset.name!r} has no contamination results yet; run "
                          f"`{COMMANDS['decontam'].format(name=dataset.name)}`")
    frame = table.to_pandas()
    if ids is not None:
        frame = frame[frame["row_id"].isin(set(ids))]
    if ref is not None:
        frame = frame[frame["ref"] == ref]
    return frame.sort_values(["ngrams", "row_id"], ascending=[False, True]).reset_index(drop=True)
