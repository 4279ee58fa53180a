"""The Ray engine on inputs in a store: its tasks read the files and their originals
themselves (the driver reads none of them, duplicate signatures included), and the outputs
are the local engine's.

One local Ray (2 CPUs), started after the S3 API server so that its workers take the
endpoint and the fake credentials from the environment, as workers on a cluster take theirs.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import TEST_DATA, hard_timeout, ray_runs, tqa
from tests.support.ray_runs import ray_auth_token

ray = pytest.importorskip("ray", reason='the Ray engine needs pip install "tqa[ray]"')
pytest.importorskip("ray.data", reason='the Ray engine needs pip install "tqa[ray]"')
pytest.importorskip("s3fs")
pytest.importorskip("moto.server")

_hard_timeout = hard_timeout(600)
ENV = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}


@pytest.fixture(scope="module")
def cluster_and_store() -> Iterator[object]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    temp = tempfile.mkdtemp(prefix="tqa-ray-", dir="/tmp")
    env = {**ENV, "AWS_ENDPOINT_URL": f"http://{host}:{port}", "RAY_AUTH_TOKEN": ray_auth_token()}
    env["TQA_CACHE_DIR"] = str(Path(temp) / "node-cache")
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    ray.init(num_cpus=2, include_dashboard=False, _temp_dir=temp, log_to_driver=False)
    try:
        import s3fs

        s3fs.S3FileSystem.clear_instance_cache()
        yield s3fs.S3FileSystem()
    finally:
        ray.shutdown()
        server.stop()
        shutil.rmtree(temp, ignore_errors=True)
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def test_ray_tasks_read_their_inputs_from_the_store(cluster_and_store, tmp_path, seed_text, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from pipeline.util.storage import RemotePath

    fs = cluster_and_store
    local = ray_runs.articles(tmp_path / "in", seed_text, 6)
    shutil.copy(local / "article00.txt", local / "article06.txt")  # a copy: duplicate-record on both engines
    shutil.copy(TEST_DATA / "parallel" / "rail.en.txt", local / "rail.en.txt")  # its original in zh/
    fs.mkdir("ray-bucket")
    fs.put(str(local) + "/", "ray-bucket/in/", recursive=True)
    fs.put(str(TEST_DATA / "parallel" / "rail.zh.txt"), "ray-bucket/zh/rail.zh.txt")
    fs.invalidate_cache()
    monkeypatch.chdir(tmp_path)
    base = ["run", "s3://ray-bucket/in/", "--source", "s3://ray-bucket/zh/", "--no-cache", "--reports", "json"]
    by_local = tqa(*base, "--out", tmp_path / "local", "-j", "1")
    assert by_local.exit_code == 0, by_local.output

    def driver_read(self, *args):  # type: ignore[no-untyped-def]
        raise AssertionError(f"the driver read {self}")

    monkeypatch.setattr(RemotePath, "read_limited", driver_read)  # this process only: the Ray workers are others
    monkeypatch.setattr(RemotePath, "read_bytes", driver_read)
    by_ray = tqa(*base, "--out", tmp_path / "ray", "--engine", "ray")
    assert by_ray.exit_code == 0, by_ray.output
    assert ray_runs.tree(tmp_path / "ray") == ray_runs.tree(tmp_path / "local")
    assert "duplicate-record" in (tmp_path / "ray" / "article06.findings.json").read_text(encoding="utf-8")
    # the original, too, was read by the task that checked its article
    assert '"check": "omission"' in (tmp_path / "ray" / "rail.en.findings.json").read_text(encoding="utf-8")
