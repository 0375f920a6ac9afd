"""A shared app in a real browser (headless Debian chromium, Playwright): it touches no file outside the folders
the operator chose, it renders hostile data as text on every page, and with a password every page needs it.

1. Outside paths (absolute, `..`, a symlink out of the data folder, one out of the workspace) are typed into every
   text input of every page and every button is clicked after each round: no file appears outside the workspace,
   and the sentinel file outside is never read (its marker never reaches the browser; its access time is
   unchanged where the file system keeps access times).
2. Source names, file names, cluster names, tags, history messages, slice values and row text hold HTML, markdown
   and Plotly markup: on every page (every tab and expander open) no <a>, <img> or <script> comes from the data,
   nothing runs, no dialog opens and no request leaves localhost.
3. With MIXMAP_APP_PASSWORD set, every URL shows the login page until the password is given.
"""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from mixmap.core.store.marks import apply_marks
from mixmap.core.store.workspace import Workspace
from tests.browser import browser_page, exceptions_on_page, running_app, wait_for_app
from tests.conftest import synthetic_rows, write_jsonl

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not shutil.which("chromium"), reason="Debian chromium is not installed")]

PAGES = ["", "data", "mixes", "export", "duplicates", "quality", "coverage", "checks"]  # url paths; "" = Map
MARKER = "SENTINEL-7f3a9c-never-shown"
# Buttons that cannot take a path but would load the 80 MB MiniLM and re-embed (minutes on two shared cores).
NOT_CLICKED = ("Build with MiniLM", "Build missing stages")
# the page's own buttons (plain, primary, form submit, download), not the tables' toolbars or the header's
BUTTONS = ", ".join(f'[data-testid="stMain"] button[data-testid="stBaseButton-{kind}"]:visible' for kind in
                    ("primary", "secondary", "tertiary", "primaryFormSubmit", "secondaryFormSubmit"))


# ---- fixtures ---------------------------------------------------------------------------------------------
def _hostile_dataset(tmp_path: Path, fake_embedder, *, hostile: dict[str, str]) -> Path:
    """A built dataset with hostile strings in every data field; its quality, checks and duplicates computed."""
    from mixmap.core.build.cluster import write_clusters
    from mixmap.core.build.pipeline import build_dataset
    from mixmap.core.checks.dataset import find_dataset_pii, identify_dataset_languages
    from mixmap.core.curate.mixes import save_mix
    from mixmap.core.curate.slices import save_slice
    from mixmap.core.dedup.dataset import compute_duplicate_pairs
    from mixmap.core.ingest.files import ingest_into
    from mixmap.core.quality.dataset import score_dataset

    ws = Workspace(tmp_path / "ws")
    ds = ws.dataset("hostile", create=True)
    texts = list(hostile.values())
    rows = [{"text": t, "title": t} for t in texts * 2]  # each twice: duplicate groups of hostile text
    rows += [{"text": r["output"], "title": hostile["label"]} for r in synthetic_rows(20)]
    named = tmp_path / f"{hostile['file']}.jsonl"  # the file name is a source name too
    ingest_into(ds, write_jsonl(named, rows))
    ingest_into(ds, write_jsonl(tmp_path / "more.jsonl", [{"text": f"mail bob{i}@example.com about it"}
                                                           for i in range(10)]), source=hostile["source"])
    build_dataset(ds, fake_embedder)
    clusters = ds.read_frame("clusters").to_pandas()
    write_clusters(ds, clusters["id"].tolist(), clusters["cluster"].to_numpy(),
                   {int(c): [hostile["label"], hostile["markdown"]] for c in clusters["cluster"].unique()})
    ids = ds.read_rows(["id"]).column("id").to_pylist()
    apply_marks(ds, ids[:6], mark="exclude", add_tags=[hostile["tag"], hostile["markdown"]], message=hostile["source"])
    save_slice(ds, "odd", {"where": ["source", "=", hostile["source"]]}, note=hostile["label"])
    save_mix(ds, {"name": "m1", "seed": 1, "components": [{"slice": "odd", "strategy": "random", "rows": 5}]})
    score_dataset(ds, n_jobs=1)
    identify_dataset_languages(ds, n_jobs=1)
    find_dataset_pii(ds, n_jobs=1)
    compute_duplicate_pairs(ds, method="exact")
    return ws.root


HOSTILE = {
    "source": "<img src=x onerror=window.__pwned=1>",
    "label": '<a href="http://evil.example/">x</a>',
    "tag": "<script>window.__pwned=2</script>",
    "markdown": "![x](http://evil.example/x.png)",
    "link": "[click](http://evil.example/) **b** :red[r] www.evil.example $x$",
    "file": "<img src=evil.png onerror=window.__pwned=3>",
    "plotly": "<a href='http://evil.example/p'>p</a><b>bold</b>",
}


@pytest.fixture
def shared(tmp_path, fake_embedder):
    """(workspace, data folder, outside folder): the data folder holds a good file and symlinks that lead out;
    the outside folder holds the sentinel."""
    root = _hostile_dataset(tmp_path, fake_embedder, hostile=HOSTILE)
    data, outside = tmp_path / "data", tmp_path / "outside"
    data.mkdir()
    outside.mkdir()
    write_jsonl(data / "good.jsonl", [{"text": "an allowed row"}])
    write_jsonl(outside / "secret.jsonl", [{"text": MARKER, "password": MARKER}] * 3)
    (data / "link_out.jsonl").symlink_to(outside / "secret.jsonl")
    (data / "escape").symlink_to(outside, target_is_directory=True)
    (root / "exports").mkdir(exist_ok=True)
    return root, data, outside


def _outside_paths(root: Path, data: Path, outside: Path) -> list[list[str]]:
    """Rounds of outside paths, by kind; every button is clicked after each round."""
    return [[str(outside / "secret.jsonl"), str(outside / "written.jsonl")],             # absolute
            ["../outside/secret.jsonl", f"{root}/../outside/secret.jsonl",               # `..`, out of the
             "../../outside/written.csv"],                                               # data folder / workspace
            ["link_out.jsonl", "escape/secret.jsonl", "~/mixmap-written.jsonl"]]         # symlinks out; home


def _tree(folder: Path, skip: Path) -> dict[str, tuple]:
    """Every file under `folder` but `skip` (the workspace) and the test's own server logs, with size and mtime."""
    return {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*")
            if not p.is_relative_to(skip) and not p.is_symlink() and p.is_file()
            and not (p.parent == folder and p.name.startswith("streamlit-"))}


def _atime_is_kept(folder: Path) -> bool:
    probe = folder / "probe.txt"
    probe.write_text("x")
    stat = probe.stat()
    os.utime(probe, ns=(stat.st_mtime_ns - 10**12, stat.st_mtime_ns))
    probe.read_text()
    kept = probe.stat().st_atime_ns != stat.st_mtime_ns - 10**12
    probe.unlink()
    return kept


# ---- driving every input and button -------------------------------------------------------------------------
def visit(page, url: str) -> None:
    """Open a page and wait until its script has drawn it (its title), not just until the app shell is up."""
    page.goto(url)
    page.locator('[data-testid="stMain"] h1').first.wait_for(timeout=90_000)
    settle(page)


def settle(page, timeout_s: float = 90) -> None:
    """Wait until the page stops changing: the title is drawn first, and the status widget shows only once
    a run takes a while, so 'no status widget' alone can be seen before the page's widgets are there."""
    last, stable, deadline = -1, 0, time.time() + timeout_s
    while stable < 3 and time.time() < deadline:
        wait_for_app(page, timeout_ms=int(timeout_s * 1000))
        count = page.locator('[data-testid="stMain"] [data-testid]').count()
        stable, last = (stable + 1, last) if count == last else (0, count)
        page.wait_for_timeout(400)


def open_everything(page) -> None:
    """Open every expander and visit every tab, so their widgets are on the page."""
    closed = page.locator('[data-testid="stMain"] [data-testid="stExpander"] details:not([open]) '
                          'summary:visible')  # those of the tab on show
    for _ in range(50):  # the list shrinks as each opens: always click the first still closed
        if closed.count() == 0:
            break
        closed.first.click()
        page.wait_for_timeout(100)
    page.wait_for_timeout(200)


def text_inputs(page):
    return page.locator('[data-testid="stMain"] [data-testid="stTextInput"] input:visible, '
                        '[data-testid="stMain"] [data-testid="stTextArea"] textarea:visible')


def type_everywhere(page, value: str) -> int:
    typed = 0
    for tab in [None, *page.locator('[data-testid="stMain"] [role="tab"]').all()]:
        if tab is not None:
            tab.click()
            page.wait_for_timeout(200)
        open_everything(page)
        for i in range(text_inputs(page).count()):
            field = text_inputs(page).nth(i)
            if not field.is_enabled():
                continue
            field.fill(value)
            field.press("Control+Enter" if field.evaluate("e => e.tagName") == "TEXTAREA" else "Enter")
            wait_for_app(page, timeout_ms=60_000)
            typed += 1
    return typed


def click_every_button(page) -> list[str]:
    clicked = []
    for tab in [None, *page.locator('[data-testid="stMain"] [role="tab"]').all()]:
        if tab is not None:
            tab.click()
            page.wait_for_timeout(200)
        open_everything(page)
        buttons = page.locator(BUTTONS)
        i = -1
        while (i := i + 1) < min(buttons.count(), 40):  # re-counted: a click can add or remove buttons
            button = buttons.nth(i)
            try:
                name = button.inner_text(timeout=5_000).strip()
            except PlaywrightTimeout:  # the last click's rerun took this one away
                continue
            if not button.is_enabled() or any(n in name for n in NOT_CLICKED):
                continue
            button.click()
            page.wait_for_timeout(300)
            wait_for_app(page, timeout_ms=90_000)
            clicked.append(name)
    return clicked


def test_no_file_outside_the_allowed_folders_is_created_or_read(shared, tmp_path):
    root, data, outside = shared
    secret = outside / "secret.jsonl"
    atime_kept = _atime_is_kept(outside)
    stat = secret.stat()
    os.utime(secret, ns=(stat.st_mtime_ns - 10**12, stat.st_mtime_ns))  # any read now moves the access time
    home, tmp = Path.home(), Path("/tmp")
    before = _tree(tmp_path, skip=root)
    before_tmp = {p.name for p in tmp.iterdir()}
    frames: list[bytes] = []
    typed_total, clicked_total = 0, []
    with running_app(root, env={"MIXMAP_DATA_DIRS": str(data)}) as url, browser_page() as page:
        page.on("websocket", lambda ws: ws.on("framereceived", lambda f: frames.append(
            f if isinstance(f, bytes) else f.encode())))
        for path in PAGES:
            visit(page, f"{url}/{path}")
            for values in _outside_paths(root, data, outside):
                for value in values:
                    typed_total += type_everywhere(page, value)
                    assert MARKER not in page.content()
                clicked_total += click_every_button(page)
            assert exceptions_on_page(page) == [], (path, exceptions_on_page(page))
        # the refusals are on the page, for the inputs that take a path
        visit(page, f"{url}/data")
        type_everywhere(page, "link_out.jsonl")
        assert "outside the folders this app may read" in page.inner_text('[data-testid="stMain"]')
    assert typed_total >= 8 * 8 and len(clicked_total) >= 8, (typed_total, clicked_total)
    after = _tree(tmp_path, skip=root)
    assert after == before, sorted(set(after) ^ set(before))
    assert not (outside / "written.jsonl").exists() and not (home / "mixmap-written.jsonl").exists()
    assert {p.name for p in tmp.iterdir() if "written" in p.name or p.name == "secret.jsonl"} <= before_tmp
    assert not any(MARKER.encode() in f for f in frames), "the sentinel's text reached the browser"
    if atime_kept:
        assert secret.stat().st_atime_ns == stat.st_mtime_ns - 10**12, "the sentinel file was read"
    # what the Export button wrote went into exports/ under the typed name's last part, as plain files
    exports = (root / "exports").resolve()
    written = [p for p in exports.rglob("*") if p.is_file()]
    assert {p.name for p in written} >= {"written.jsonl", "written.csv", "mixmap-written.jsonl"}, written
    assert all(not p.is_symlink() and p.resolve().is_relative_to(exports) for p in exports.rglob("*"))


# ---- hostile strings on every page ------------------------------------------------------------------------
DOM_CHECK = """() => {
  const bad = [];
  const origin = location.origin;
  for (const a of document.querySelectorAll('a')) {
    const href = a.getAttribute('href') || a.getAttribute('xlink:href') || '';
    if (href.startsWith('#') && !a.closest('svg')) continue;  // a heading's own anchor, on this page
    if (/evil|javascript:/i.test(href) || a.closest('svg')) bad.push('a ' + href);
  }
  for (const img of document.querySelectorAll('img, image')) {
    const src = img.getAttribute('src') || img.getAttribute('href') || '';
    if (!(src.startsWith(origin) || src.startsWith('data:') || src.startsWith('blob:') || src.startsWith('/')
          || src.startsWith('./'))) bad.push('img ' + src);
  }
  for (const s of document.querySelectorAll('script')) {
    if (/__pwned/.test(s.textContent)) bad.push('script ' + s.textContent.slice(0, 60));
  }
  return {bad, pwned: window.__pwned === undefined ? null : window.__pwned,
          text: document.body.textContent};
}"""


def test_hostile_strings_render_as_text_on_every_page(shared):
    root, data, _ = shared
    outside_requests, dialogs = [], []
    with running_app(root, env={"MIXMAP_DATA_DIRS": str(data)}) as url, browser_page() as page:
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("request", lambda r: None if r.url.startswith((url, "data:", "blob:")) else
                outside_requests.append(r.url))
        page.route(lambda u: not u.startswith((url, "data:", "blob:")), lambda route: route.abort())
        seen = ""
        for path in PAGES:
            visit(page, f"{url}/{path}")
            if path == "":  # a search whose words are markup: it names the selection in a heading
                search = page.locator('input[aria-label="Search"]')
                search.fill(HOSTILE["markdown"])
                search.press("Enter")
                wait_for_app(page)
            for tab in [None, *page.locator('[data-testid="stMain"] [role="tab"]').all()]:
                if tab is not None:
                    tab.click()
                    wait_for_app(page)
                open_everything(page)
                wait_for_app(page)
                for frame in page.frames:
                    found = frame.evaluate(DOM_CHECK)
                    assert found["bad"] == [] and found["pwned"] is None, (path, found["bad"], found["pwned"])
                    seen += found["text"]
            assert exceptions_on_page(page) == [], (path, exceptions_on_page(page))
        page.wait_for_timeout(1000)  # a late image request would show up here
    assert dialogs == [] and outside_requests == [], (dialogs, outside_requests)
    # the hostile strings were shown, as the characters they are (legends, labels, captions, highlighted rows)
    for key in ("label", "tag", "source"):
        assert HOSTILE[key][:30] in seen, key


# ---- the password gate ------------------------------------------------------------------------------------
def test_every_page_needs_the_password(shared, tmp_path):
    root, _, _ = shared
    with running_app(root, env={"MIXMAP_APP_PASSWORD": "open sesame 42"}) as url, browser_page() as page:
        for path in PAGES:
            visit(page, f"{url}/{path}")
            main = page.inner_text('[data-testid="stMain"]')
            assert "Password or token" in main and "Export" not in main and "rows" not in main, path
            assert page.locator(".js-plotly-plot").count() == 0
        visit(page, url)  # (another URL also shows "page not found" over the login page)
        page.get_by_label("Password or token").fill("open sesame 4")
        page.get_by_role("button", name="Log in").click()
        page.get_by_text("Wrong password or token.").wait_for(timeout=30_000)
        page.screenshot(path=str(tmp_path / "login_wrong.png"))
        page.get_by_label("Password or token").fill("open sesame 42")
        page.get_by_role("button", name="Log in").click()
        page.locator(".js-plotly-plot").first.wait_for(timeout=90_000)
        wait_for_app(page)
        page.locator('[data-testid="stSidebarNav"] a', has_text="Export").first.click()
        page.get_by_role("heading", name="Export", exact=True).wait_for(timeout=30_000)
        assert exceptions_on_page(page) == []
    started = time.time()
    with running_app(root, env={"MIXMAP_APP_PASSWORD": "tok"}) as url, browser_page() as page:
        page.goto(f"{url}/?token=tok")  # the link `mixmap app --token` prints
        page.locator(".js-plotly-plot").first.wait_for(timeout=90_000)
        assert "token=" not in page.url
    assert time.time() - started < 180
