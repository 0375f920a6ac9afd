"""The real offline MiniLM: embeddings are sensible, and a build killed with -9 mid-embed resumes exactly once."""
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from mixmap.core.embed.protocol import DEFAULT_MODEL, model_key
from mixmap.core.embed.sentence_transformer import SentenceTransformerEmbedder
from mixmap.core.ingest.files import ingest_into
from tests.conftest import synthetic_rows, write_jsonl

pytestmark = pytest.mark.real_model


@pytest.fixture(scope="module")
def minilm():
    return SentenceTransformerEmbedder()


def test_minilm_loads_offline_and_ranks_paraphrases_first(minilm):
    vectors = minilm.embed(["How do I bake bread?", "What is the recipe for baking a loaf?", "Stock market crash"])
    assert vectors.shape == (3, 384) and minilm.name == DEFAULT_MODEL
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2


def test_static_model_is_close_to_minilm(minilm, model_cache):
    from mixmap.core.embed.static_model import StaticEmbedder

    fast = StaticEmbedder.load_or_distill(cache_dir=model_cache)
    texts = ["How do I bake bread?", "What is the recipe for baking a loaf?", "Stock market crash", "shares fell"]
    v = fast.embed(texts)
    assert v.shape == (4, 384) and np.allclose(np.linalg.norm(v, axis=1), 1, atol=1e-5)
    assert v[0] @ v[1] > v[0] @ v[2] and v[2] @ v[3] > v[2] @ v[0]


def test_kill_9_mid_embed_then_rerun_embeds_every_row_once(workspace, tmp_path):
    rows = [dict(r, output=r["output"] + f" variant {i}") for i, r in enumerate(synthetic_rows(60))]
    ds = workspace.dataset("killme", create=True)
    ingest_into(ds, write_jsonl(tmp_path / "k.jsonl", rows))
    cmd = [sys.executable, "-m", "mixmap.cli", "--workspace", str(workspace.root), "build", "killme",
           "--batch-size", "32", "--json"]
    # commit every batch (as a slow model on a big dataset does every 20 s), so the kill lands between commits
    env = dict(os.environ, PYTHONPATH=str(tmp_path.parent), MIXMAP_COMMIT_SECONDS="0")
    proc = subprocess.Popen(cmd, cwd=os.path.dirname(os.path.dirname(__file__)), env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    key = model_key(DEFAULT_MODEL)
    deadline = time.time() + 180
    while ds.count_vectors(key) < 32 and time.time() < deadline and proc.poll() is None:
        time.sleep(0.2)
    assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial = ds.count_vectors(key)
    assert 0 < partial < 240, "the kill should land mid-embed"
    rerun = subprocess.run(cmd, cwd=os.path.dirname(os.path.dirname(__file__)), capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    ids, _ = ds.read_vectors(model_key=key)
    assert len(ids) == len(set(ids)) == ds.count() == 240
    assert ds.has_frame("layout") and ds.has_frame("clusters")
