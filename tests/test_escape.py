"""ui/escape.py is the one escaper, and pages use it: every value interpolated into a Streamlit markup call (markdown,
st.info / caption / toast, labels) goes through md() (or is a formatted number), and no page or ui module escapes
HTML by hand. (What the browser makes of hostile strings: tests/test_access_browser.py.)"""
from __future__ import annotations

import ast
import html
import re

import pytest

from mixmap.ui.escape import JOINER, html_text, md, plot_text
from tests.conftest import ROOT

HOSTILE = ["<img src=x onerror=alert(1)>", '<a href="http://evil">x</a>', "<script>alert(1)</script>",
           "![x](http://evil/x.png)", "[click](javascript:alert(1))", "http://evil.example/x", "www.evil.example",
           ":red[red] :material/home: $x^2$", "**bold** _it_ `code`", "a\n# heading\n- item", "\\*not\\*", "&amp;",
           "mail bob@example.com", "HTTPS://WWW.EVIL.EXAMPLE", "mailto:x@y.z"]
# Streamlit calls whose text (first argument, or these keywords) is rendered as markdown
MARKUP_CALLS = {"markdown", "write", "caption", "info", "warning", "success", "error", "toast", "title", "header",
                "subheader", "button", "checkbox", "toggle", "radio", "expander", "tabs", "metric", "page_link",
                "download_button", "selectbox", "multiselect", "text_input", "text_area", "number_input", "slider",
                "select_slider", "file_uploader", "popover", "form_submit_button", "segmented_control", "pills"}
MARKUP_KEYWORDS = ("label", "body", "text", "help")
SAFE_CALLS = {"md", "html_text", "plot_text", "len", "int", "round"}  # the escapers, and calls giving numbers
# Reviewed exceptions (ui/state.py): undo_banner formats numbers with their specs and passes every other value
# through md() first; typed_path's label is a page's constant (escaping it would put backslashes in its
# aria-label).
ALLOWED = {("ui/state.py", "text.format(**{k: v if isinstance(v, int | float) else md(v) for k, v in applied.items()})"),
           ("ui/state.py", "label")}


@pytest.mark.parametrize("text", HOSTILE)
def test_md_escapes_every_markdown_special(text):
    out = md(text)
    assert "\n" not in out
    unescaped = re.sub(r"\\.", "", out)  # what is left once every backslash escape is taken out
    assert not re.search(r"[!-/:-@\[-`{-~]", unescaped), out
    shown = re.sub(r"\\(.)", r"\1", out)
    assert shown.replace(JOINER, "") == " ".join(text.splitlines())  # the same characters, shown as typed
    assert not re.search(r"(?i)://|www\.|@\w", shown)  # nothing an autolink could start from


@pytest.mark.parametrize("text", HOSTILE)
def test_html_and_plot_text_escape_tags(text):
    for out in (html_text(text), plot_text(text)):
        assert "<" not in out and ">" not in out
        assert html.unescape(out) == text
    assert '"' not in html_text(text) and "&quot;" not in plot_text(text)  # Plotly knows no &quot;
    assert html.unescape(plot_text(text, 5)) == text[:5]  # cut first: never half an entity


def _safe(node) -> bool:
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) in SAFE_CALLS:
        return True
    if isinstance(node, ast.JoinedStr):  # f-string: each value escaped, or a number with a format spec
        return all(isinstance(v, ast.Constant) or v.format_spec is not None or _safe(v.value) for v in node.values)
    if isinstance(node, ast.IfExp):
        return _safe(node.body) and _safe(node.orelse)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _safe(node.left) and _safe(node.right)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):  # "s" * plural
        return isinstance(node.left, ast.Constant) or isinstance(node.right, ast.Constant)
    if isinstance(node, (ast.List, ast.Tuple)):
        return all(_safe(e) for e in node.elts)
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "join"
            and isinstance(node.func.value, ast.Constant) and len(node.args) == 1
            and isinstance(node.args[0], (ast.GeneratorExp, ast.ListComp))):
        return _safe(node.args[0].elt)
    return False


def unescaped_markup() -> list[str]:
    found = []
    for path in sorted((ROOT / "pages").glob("*.py")) + sorted((ROOT / "ui").glob("*.py")):
        rel = str(path.relative_to(ROOT))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in MARKUP_CALLS):
                continue
            texts = ([] if node.func.attr == "progress" else node.args[:1])
            texts += [k.value for k in node.keywords if k.arg in MARKUP_KEYWORDS]
            found += [f"{rel}:{node.lineno}: st.{node.func.attr}({ast.unparse(t)[:80]})" for t in texts
                      if not _safe(t) and (rel, ast.unparse(t)) not in ALLOWED]
    return found


def test_every_value_in_markup_goes_through_the_escaper():
    assert unescaped_markup() == []


def test_the_check_catches_an_unescaped_value():
    tree = ast.parse('st.info(f"**{name}** has one source")\nst.error(str(exc))\nst.caption(f"{n:,} rows")')
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "attr", "") in MARKUP_CALLS]
    assert [_safe(c.args[0]) for c in calls] == [False, False, True]


def test_html_is_escaped_only_in_ui_escape():
    hand_made = [str(p.relative_to(ROOT)) for folder in ("pages", "ui") for p in (ROOT / folder).glob("*.py")
                 if p.name != "escape.py" and re.search(r"html\.escape|replace\(\"<\"|replace\('<'", p.read_text())]
    assert hand_made == []
