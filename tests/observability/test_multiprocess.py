"""Metrics with several uvicorn worker processes: whichever answers /metrics counts all."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.helpers import free_port, wait_until_healthy

pytestmark = pytest.mark.slow  # separate processes: under xdist, started first


def test_two_workers_count_every_request_once(scratch_url: str, tmp_path: Path) -> None:
    port = free_port()
    metrics_dir = tmp_path / "metrics"
    env = {
        **os.environ,
        "SOPENGINE_DATABASE_URL": scratch_url,
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
    }
    (metrics_dir).mkdir()
    (metrics_dir / "counter_999999.db").write_bytes(b"")  # a stale file of an earlier run
    server = subprocess.Popen(
        [sys.executable, "-m", "sopengine.cli", "serve", "--no-upgrade", "--port", str(port),
         "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, server, timeout=180)
        for _ in range(20):
            # A new connection each time, so both processes take their share.
            assert httpx.get(f"{url}/readyz", timeout=60).status_code == 200
        for _ in range(4):
            answer = httpx.get(f"{url}/metrics", timeout=60)
            assert answer.status_code == 200
            counts = {
                s.labels.get("route"): s.value
                for family in text_string_to_metric_families(answer.text)
                for s in family.samples
                if s.name == "sopengine_http_requests_total"
            }
            assert counts["/readyz"] == 20
        assert {p.name.split("_")[0] for p in metrics_dir.glob("*.db")} >= {"counter", "histogram"}
        assert not (metrics_dir / "counter_999999.db").exists()
    finally:
        server.terminate()
        server.wait(timeout=60)
    assert server.returncode == 0
