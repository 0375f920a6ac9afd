"""Duplicates page (AppTest): compute pairs, the slider moves the preview, apply marks exactly the non-keepers
(one undoable step), and data text in the side-by-side view is never markup."""
from __future__ import annotations

import re
import shutil
import time

import pytest

from mixmap.core.store.marks import marks_version, read_marks
from tests.conftest import open_app, shown_text, write_jsonl
from tests.dedup_data import SCRIPT, planted_dataset

PAGE = "pages/duplicates.py"


@pytest.fixture
def planted_built(workspace, tmp_path, fake_embedder):
    """The planted-duplicates dataset (49 rows, 7 groups), embedded with the fake embedder and mapped."""
    return planted_dataset(workspace, tmp_path, fake_embedder, mapped=True)


@pytest.fixture
def page(planted_built, monkeypatch):
    ds, _ = planted_built
    return open_app(ds.workspace.root, monkeypatch, page=PAGE, title="Duplicates")


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def compute(at, method: str = "minhash"):
    at.radio(key="dups.method").set_value(method).run()
    at.button(key="dups.compute").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_compute_then_slider_moves_the_preview(page, planted_built):
    ds, _ = planted_built
    compute(page)
    assert ds.has_frame("dup_pairs_minhash")
    assert metric(page, "Rows removed") == "8 (16.3%)" and metric(page, "Groups") == "7"
    page.slider(key="dups.threshold.minhash").set_value(0.95).run()
    assert not page.exception
    assert metric(page, "Rows removed") == "3 (6.1%)" and metric(page, "Groups") == "2"
    assert "removes 3 of 49 rows (6.1%)" in " ".join(shown_text(c.value) for c in page.caption)
    assert read_marks(ds).num_rows == 0, "moving the slider marks nothing"
    assert len(page.get("plotly_chart")) == 1


def test_apply_marks_exactly_the_non_keepers_and_undo_reverts(page, planted_built):
    ds, groups = planted_built
    compute(page)
    page.selectbox(key="dups.keep").set_value("longest").run()
    before = marks_version(ds)
    page.button(key="dups.apply").click().run()
    assert not page.exception
    length = {r["id"]: len(r["text"]) for r in ds.read_rows(["id", "text"]).to_pylist()}
    # longest keeps the longest row of each group (ties: the first, the original), e.g. the "!!" copy
    keepers = {max(members, key=lambda i: (length[i], -members.index(i))) for members in groups.values()}
    assert groups["case"][1] in keepers
    non_keepers = {i for members in groups.values() for i in members} - keepers
    excluded = {m["id"] for m in read_marks(ds).to_pylist() if m["mark"] == "exclude"}
    assert excluded == non_keepers
    assert marks_version(ds) == before + 1, "one marking action"
    assert "Marks v" in page.success[0].value
    assert "8 of them already excluded" in " ".join(c.value for c in page.caption)
    page.button(key="dups.undo").click().run()
    assert not page.exception
    assert read_marks(ds).num_rows == 0


def test_script_in_data_stays_inert_in_the_side_by_side_view(page, planted_built):
    _, groups = planted_built
    compute(page)
    page.session_state["dups.focus"] = groups["script"][1]
    page.run()
    assert not page.exception
    bodies = [h.value for h in page.html]
    assert len(bodies) == 2, "keeper and one duplicate, side by side"
    joined = "".join(bodies)
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in joined
    assert "&lt;img" in joined and "<script" not in joined and "<img" not in joined
    assert "<mark" in joined, "the differing word is highlighted"
    assert "**bold**" in joined, "markdown in data is shown as typed, not rendered"


def test_exact_has_no_slider_and_quality_without_scores_is_a_message(page):
    compute(page, "exact")
    assert not [s for s in page.slider if s.key and s.key.startswith("dups.threshold")]
    assert metric(page, "Rows removed") == "3 (6.1%)"
    page.selectbox(key="dups.keep").set_value("quality").run()
    assert not page.exception
    assert "needs quality scores" in page.error[0].value
    page.selectbox(key="dups.keep").set_value("central").run()
    assert not page.exception and not page.error
    assert metric(page, "Rows removed") == "3 (6.1%)"


def test_big_datasets_compute_in_a_background_job(page, planted_built, monkeypatch):
    import mixmap.ui.duplicates

    ds, _ = planted_built
    monkeypatch.setattr(mixmap.ui.duplicates, "INLINE_ROWS", 0)
    compute(page, "exact")
    deadline = time.time() + 30
    while not ds.has_frame("dup_pairs_exact") and time.time() < deadline:
        time.sleep(0.1)
    time.sleep(0.3)  # let the job record itself as done
    page.run()
    assert not page.exception
    assert metric(page, "Rows removed") == "3 (6.1%)"


def test_diff_html_escapes_every_token():
    from mixmap.ui.duplicates import diff_html

    a, b = diff_html(SCRIPT + " same end", SCRIPT.replace("bold", "<b>bold</b>") + " same end")
    for side in (a, b):
        assert "<script" not in side and "<img" not in side and "<b>" not in side
        assert "&lt;script&gt;" in side
    assert '<mark style="background:#c9f2d0">**&lt;b&gt;bold&lt;/b&gt;**</mark>' in b


@pytest.mark.browser
@pytest.mark.skipif(not shutil.which("chromium"), reason="Debian chromium is not installed")
def test_real_browser_shows_markup_in_data_as_text(workspace, tmp_path):
    """In chromium: the markup pair is shown side by side as literal text; no element or dialog comes from it."""
    from mixmap.core.ingest.files import ingest_into
    from tests.browser import browser_page, exceptions_on_page, running_app, wait_for_app
    from tests.dedup_data import planted_rows

    rows, groups = planted_rows()
    keep = [r for k, r in enumerate(rows) if k in groups["script"] or 6 <= k < 30]
    ingest_into(workspace.dataset("markup", create=True), write_jsonl(tmp_path / "markup.jsonl", keep))
    with running_app(workspace.root) as url, browser_page() as page:
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(url)
        wait_for_app(page)
        # the router's link (capitalised); before app.py first runs, Streamlit may list pages/ files instead
        link = page.locator('[data-testid="stSidebarNav"] a', has_text=re.compile("Duplicates"))
        link.first.wait_for(timeout=30_000)
        link.first.click()
        wait_for_app(page)
        page.get_by_text("fuzzy (MinHash)", exact=True).click()
        wait_for_app(page)
        page.get_by_role("button", name="Find minhash pairs").click()
        wait_for_app(page)
        page.wait_for_function("() => document.querySelectorAll('[data-testid=\"stHtml\"]').length >= 2",
                               timeout=60_000)
        wait_for_app(page)
        body = page.inner_text("body")
        assert exceptions_on_page(page) == []
        assert '<script>alert("x")</script>' in body and "<img src=x onerror=alert(1)>" in body
        assert "**bold**" in body
        assert page.locator("img[src='x']").count() == 0
        assert not [s for s in page.locator("script").all_inner_texts() if 'alert("x")' in s]
        page.wait_for_timeout(500)
        assert dialogs == []
