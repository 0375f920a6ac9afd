"""Tables on object storage: with `--tables s3://...` the rows, vectors, frames and marks live in an S3 bucket
(a local moto S3 server here) while the small state stays in the workspace folder. The whole CLI flow works
against it, the Ray path writes its vectors there, and nothing of the tables lands on the local disk."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from click.testing import CliRunner

from mixmap.cli.main import main
from tests.conftest import synthetic_rows, write_jsonl

pytest.importorskip("moto")
boto3 = pytest.importorskip("boto3")


@pytest.fixture(scope="module")
def s3_bucket():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while True:
        try:
            urllib.request.urlopen(endpoint, timeout=2)
            break
        except OSError:
            if time.time() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail("the moto S3 server did not start")
            time.sleep(0.3)
    env = {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_REGION": "us-east-1",
           "AWS_ENDPOINT": endpoint, "AWS_ALLOW_HTTP": "true"}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    client = boto3.client("s3", endpoint_url=endpoint)
    client.create_bucket(Bucket="mixmap-test")
    try:
        yield client
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        server.terminate()
        server.wait(10)


def run(args, workspace, tables):
    result = CliRunner().invoke(main, ["--workspace", str(workspace), "--tables", tables, *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout) if "--json" in args else result


def test_the_cli_flow_with_tables_in_a_bucket(s3_bucket, tmp_path, model_cache):
    ws, tables = tmp_path / "ws", "s3://mixmap-test/team/lance"
    data = write_jsonl(tmp_path / "rows.jsonl", synthetic_rows(20))
    assert run(["ingest", str(data), "--dataset", "demo", "--json"], ws, tables)["added"] == 80
    built = run(["build", "demo", "--fast", "--json"], ws, tables)
    assert built["embed"]["embedded"] == 80 and built["project"]["placed"] == 80
    run(["mark", "demo", "--where", "text", "contains", "about PYTHON", "--exclude", "--json"], ws, tables)
    out = tmp_path / "o.jsonl"
    assert run(["export", "demo", "--out", str(out), "--json"], ws, tables)["counts"]["rows_exported"] == 60
    assert len(out.read_text().splitlines()) == 60
    stored = {o["Key"] for o in s3_bucket.list_objects_v2(Bucket="mixmap-test", Prefix="team/lance/")["Contents"]}
    for table in ("demo__rows", "demo__layout", "demo__clusters", "demo__marks", "demo__marks_log"):
        assert any(key.startswith(f"team/lance/{table}.lance/") for key in stored), table
    assert any(key.startswith("team/lance/demo__vec_") for key in stored)
    assert not (ws / "lance").exists()  # nothing of the tables on the local disk
    assert run(["ingest", str(data), "--dataset", "demo", "--json"], ws, tables)["added"] == 0  # idempotent


def test_ray_embeds_into_a_bucket(s3_bucket, tmp_path, model_cache):
    ray = pytest.importorskip("ray")
    from mixmap.core.embed.on_ray import embed_dataset_ray
    from mixmap.core.ingest.files import ingest_into
    from mixmap.core.store.workspace import Workspace

    ws = Workspace(tmp_path / "ws", tables="s3://mixmap-test/ray/lance")
    ds = ws.dataset("r", create=True)
    ingest_into(ds, write_jsonl(tmp_path / "r.jsonl", synthetic_rows(10)))
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, ignore_reinit_error=True)
    try:
        assert embed_dataset_ray(ds, fast=True, batch_size=16, actors=1)["embedded"] == 40
    finally:
        ray.shutdown()
    ids, vectors = Workspace(tmp_path / "ws", tables="s3://mixmap-test/ray/lance").dataset("r").read_vectors()
    assert len(set(ids)) == 40 and vectors.shape[0] == 40
