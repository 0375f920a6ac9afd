"""The one filter helper: quoting, validation, and fuzzed round-trips through a real LanceDB table."""
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mixmap.core.errors import FilterError
from mixmap.core.store.filters import (
    Condition,
    all_of,
    compare,
    contains,
    in_list,
    quote_column,
    sql_literal,
    validate_name,
)

NASTY = ["it's", "' OR 1=1 --", "\\", "\\'", "a\\'b", "Robert'); DROP TABLE x;--", "ünïcödé ☃", '"quoted"', "%_", ""]


def test_literals_double_single_quotes():
    assert sql_literal("it's") == "'it''s'"
    assert sql_literal("' OR 1=1 --") == "''' OR 1=1 --'"
    assert sql_literal(3) == "3" and sql_literal(True) == "TRUE" and sql_literal(None) == "NULL"


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), object(), "a\x00b"])
def test_literals_reject_unsafe_values(bad):
    with pytest.raises(FilterError):
        sql_literal(bad)


@pytest.mark.parametrize("column", ["text; DROP", "a b", "`x`", "1abc", "x' OR '1"])
def test_columns_must_be_identifiers(column):
    with pytest.raises(FilterError):
        quote_column(column)


def test_columns_must_be_known():
    with pytest.raises(FilterError, match="unknown column"):
        compare("secret", "=", "x", allowed=["source"])


def test_operators_are_whitelisted():
    with pytest.raises(FilterError):
        compare("source", "= 1 OR 1 =", "x", allowed=["source"])


@pytest.mark.parametrize("name", ["", "1abc", "a b", "../x", "a__b", "x" * 65, "a;b"])
def test_bad_names_rejected(name):
    with pytest.raises(FilterError):
        validate_name(name)


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    import lancedb

    db = lancedb.connect(str(tmp_path_factory.mktemp("filters")))
    return db.create_table("t", pa.table({"source": NASTY, "n": list(range(len(NASTY)))}))


@pytest.mark.parametrize("value", NASTY)
def test_nasty_values_match_exactly_one_row(table, value):
    sql = compare("source", "=", value, allowed=["source", "n"])
    got = table.to_lance().to_table(filter=sql).column("source").to_pylist()
    assert got == [value]


def test_in_list_and_contains(table):
    sql = all_of(in_list("source", ["it's", "\\"], allowed=["source"]), None)
    assert sorted(table.to_lance().to_table(filter=sql).column("source").to_pylist()) == sorted(["it's", "\\"])
    assert table.to_lance().to_table(filter=in_list("source", [], allowed=["source"])).num_rows == 0
    got = table.to_lance().to_table(filter=contains("source", "%_", allowed=["source"])).column("source").to_pylist()
    assert got == ["%_"]


text_values = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=text_values)
def test_fuzzed_values_never_escape_the_literal(table, value):
    try:
        sql = Condition("source", "=", value).to_sql(["source", "n"])
    except FilterError:
        assert any(ord(c) < 32 and c not in "\t\n\r" for c in value)
        return
    got = table.to_lance().to_table(filter=sql).column("source").to_pylist()
    assert got == ([value] if value in NASTY else [])
