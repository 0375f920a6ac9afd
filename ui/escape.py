"""The one escaper: every data string (row text, source names, labels, tags, cluster names, file names, error
messages that quote user input) goes through here before it reaches markup.

Three kinds of markup are in play, each with its own function:
- `md`: Streamlit's markdown (st.markdown, st.info / warning / error / success, st.caption, st.toast, titles,
  widget labels, radio options, expander and tab labels). Every ASCII punctuation character is
  backslash-escaped (CommonMark allows it for each one), so `![x](http://evil)`, `<img …>`, `**`, links,
  Streamlit's `:red[…]`, `:material/…:` and `$…$` maths all render as the characters typed. GitHub's
  autolinks (`http://…`, `www.…`, `name@host`) are found in the text after escapes are read, so an invisible
  WORD JOINER (U+2060) goes after `:` before `//`, after `www` and after `@`: the browser test saw a bare
  URL become a link without it. Newlines become spaces so data cannot start a block.
- `html_text`: HTML built by hand for `unsafe_allow_html` (the highlighted rows of Duplicates, Quality,
  Checks): html.escape with quotes, applied before any tag of ours is added.
- `plot_text`: Plotly's pseudo-HTML (trace names / legends, hover text, annotations, category tick labels).
  Plotly turns `<a href>`, `<b>`, `<br>` into markup and decodes a few entities, so escaping `<`, `>` and `&`
  shows the text as typed (not quotes: Plotly has no `&quot;` and would show it; with `<` escaped no tag,
  so no attribute, is left for a quote to end). Cut to `limit` characters before escaping, so an entity is
  never cut in half.

tests/test_architecture.py fails when a page or ui module interpolates a value into a markup call without
one of these (numbers with a format spec excepted), and tests/test_hostile_browser.py renders every page
with hostile strings in every data field in a real browser.
"""
from __future__ import annotations

import html
import re

_MARKDOWN_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character
_AUTOLINK_START = re.compile(r"(?i)(:(?=//)|\bwww(?=\.)|@)")  # where GFM autolinks begin to match
JOINER = "\u2060"


def md(value) -> str:
    """`value` as literal text inside Streamlit markdown (see the module doc)."""
    text = _AUTOLINK_START.sub(lambda m: m.group(1) + JOINER, " ".join(str(value).splitlines()))
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def html_text(value) -> str:
    """`value` as literal text inside HTML we write ourselves (element content or a quoted attribute)."""
    return html.escape(str(value), quote=True)


def plot_text(value, limit: int | None = None) -> str:
    """`value` as literal text inside Plotly's pseudo-HTML, first cut to `limit` characters."""
    text = str(value)
    return html.escape(text[:limit] if limit else text, quote=False)
