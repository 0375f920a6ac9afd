"""The one place where user input becomes a LanceDB (DataFusion SQL) filter.

Every filter that carries a value typed or picked by a user is built here: values become quoted literals,
column names must belong to a known set, operators come from a fixed list. Nothing else in mixmap
concatenates user strings into SQL. Tested in tests/test_filters.py (including hypothesis fuzzing).
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pyarrow as pa

from mixmap.core.errors import FilterError

_NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]{0,63}$")
_COLUMN_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")
OPERATORS = ("=", "!=", "<", "<=", ">", ">=")


def validate_name(name: str, *, what: str = "dataset name") -> str:
    """Dataset, mix, slice and reference names: letters, digits, '_' and '-', starting with a letter."""
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise FilterError(
            f"{what} {name!r} is not allowed: use 1-64 letters, digits, '_' or '-', starting with a letter"
        )
    if "__" in name:
        # '__' separates a dataset name from its table kind in LanceDB table names.
        raise FilterError(f"{what} {name!r} is not allowed: it may not contain '__'")
    return name


def quote_column(column: str, *, allowed: Iterable[str] | None = None) -> str:
    """A column identifier, checked against the allowed set and quoted with backticks."""
    if not isinstance(column, str) or not _COLUMN_RE.match(column):
        raise FilterError(f"column {column!r} is not a valid column name")
    if allowed is not None and column not in set(allowed):
        raise FilterError(f"unknown column {column!r}; known columns: {', '.join(sorted(allowed))}")
    return f"`{column}`"


def sql_literal(value: object) -> str:
    """A SQL literal for a str, int, float, bool or None. Strings are single-quoted with quotes doubled.

    DataFusion treats backslashes in plain '...' literals as ordinary characters, so doubling the single
    quote is the whole escaping rule. NUL and other control characters are refused outright.
    """
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        if not math.isfinite(value):
            raise FilterError(f"number {value!r} cannot be used in a filter")
        return repr(float(value))
    if isinstance(value, str):
        if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value):
            raise FilterError("filter text may not contain control characters")
        return "'" + value.replace("'", "''") + "'"
    raise FilterError(f"value of type {type(value).__name__} cannot be used in a filter")


def compare(column: str, op: str, value: object, *, allowed: Iterable[str] | None = None) -> str:
    """`column op value`, e.g. compare("source", "=", user_text, allowed=columns)."""
    if op not in OPERATORS:
        raise FilterError(f"operator {op!r} is not one of {', '.join(OPERATORS)}")
    if value is None:
        return f"{quote_column(column, allowed=allowed)} IS {'NOT ' if op == '!=' else ''}NULL"
    return f"{quote_column(column, allowed=allowed)} {op} {sql_literal(value)}"


def in_list(column: str, values: Iterable[object], *, allowed: Iterable[str] | None = None) -> str:
    """`column IN (v1, v2, ...)`; an empty list gives a filter that matches nothing."""
    literals = [sql_literal(v) for v in values]
    if not literals:
        return "FALSE"
    return f"{quote_column(column, allowed=allowed)} IN ({', '.join(literals)})"


def between(column: str, low: float, high: float, *, allowed: Iterable[str] | None = None) -> str:
    """Both ends included; ints stay ints (DataFusion refuses a float literal against an integer column)."""
    col = quote_column(column, allowed=allowed)
    for bound in (low, high):
        if isinstance(bound, bool) or not isinstance(bound, int | float | str):
            raise FilterError(f'"between" on {column} takes two numbers (or two texts), not {bound!r}')
    return f"({col} >= {sql_literal(low)} AND {col} <= {sql_literal(high)})"


def contains(column: str, text: str, *, allowed: Iterable[str] | None = None) -> str:
    """Case-insensitive substring match; LIKE wildcards in the user's text are escaped."""
    if not isinstance(text, str):
        raise FilterError("search text must be a string")
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"lower({quote_column(column, allowed=allowed)}) LIKE {sql_literal('%' + escaped + '%')} ESCAPE '\\'"


def all_of(*parts: str | None) -> str | None:
    """AND of the non-empty parts (each already built by this module), or None when there are none."""
    kept = [p for p in parts if p]
    if not kept:
        return None
    return " AND ".join(f"({p})" for p in kept)


def any_of(*parts: str | None) -> str | None:
    kept = [p for p in parts if p]
    if not kept:
        return None
    return " OR ".join(f"({p})" for p in kept)


def negate(part: str) -> str:
    return f"NOT ({part})"


@dataclass(frozen=True)
class Condition:
    """One user-built condition, kept as data so slices can be saved and replayed."""

    column: str
    op: str  # one of OPERATORS, or "in", "between", "contains"
    value: object

    def to_sql(self, allowed: Iterable[str], *, types: Mapping[str, pa.DataType] | None = None) -> str:
        """The filter; with `types` ({column: Arrow type}) the value is fitted to the column's type first."""
        allowed = list(allowed)
        column_type = (types or {}).get(self.column)
        if self.op == "in":
            values = [fit_value(v, column_type, column=self.column) for v in self.value]  # type: ignore[union-attr]
            return in_list(self.column, values, allowed=allowed)
        if self.op == "between":
            low, high = self.value  # type: ignore[misc]
            return between(self.column, fit_value(low, column_type, column=self.column),
                           fit_value(high, column_type, column=self.column), allowed=allowed)
        if self.op == "contains":
            return contains(self.column, self.value, allowed=allowed)  # type: ignore[arg-type]
        return compare(self.column, self.op, fit_value(self.value, column_type, column=self.column), allowed=allowed)


def _text_of(value: object) -> object:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    return value


def _number_of(text: str, column: str) -> int | float:
    for cast in (int, float):
        try:
            number = cast(text.strip())
        except ValueError:
            continue
        if math.isfinite(number):
            return number
    raise FilterError(f"cannot filter {column}: it holds numbers, and {text!r} is not a number")


def fit_value(value: object, column_type: pa.DataType | None, *, column: str = "this column") -> object:
    """A user's value as the type of the column it is compared with (None: unknown, left as it is).

    Text typed on a command line is read as a number when it looks like one (parse_value), so a source,
    tag or id named "2024" arrives as 2024: against a text column it is compared as the text "2024".
    Against a number column, text that reads as a number becomes one; other text is refused clearly
    (DataFusion would otherwise fail deep inside the scan).
    """
    if value is None or column_type is None:
        return value
    if pa.types.is_string(column_type) or pa.types.is_large_string(column_type):
        return _text_of(value)
    if pa.types.is_integer(column_type) or pa.types.is_floating(column_type):
        if isinstance(value, bool):
            raise FilterError(f"{column} holds numbers, not {value!r}")
        if isinstance(value, str):
            value = _number_of(value, column)
        if pa.types.is_integer(column_type) and isinstance(value, float) and value.is_integer():
            return int(value)
        return value
    if pa.types.is_boolean(column_type) and isinstance(value, str):
        if value.strip().lower() not in ("true", "false"):
            raise FilterError(f"{column} holds true / false, not {value!r}")
        return value.strip().lower() == "true"
    return value


def parse_value(text: str) -> int | float | str:
    """A value typed by a user (CLI argument, text box): an int or float when it reads as one and writing the
    number back gives the same text ("2024", "-3", "0.5"), else the text ("007", "1.50", "nan" stay text).

    A value compared with a column is fitted to that column's type (fit_value), so "007" still selects
    007 in a number column, and 2024 selects the source "2024"."""
    for cast in (int, float):
        try:
            number = cast(text)
        except ValueError:
            continue
        if math.isfinite(number) and (str(number) if cast is int else repr(number)) == text:
            return number
    return text
