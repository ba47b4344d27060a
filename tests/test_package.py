"""The built wheel, installed into a fresh virtual environment, run from a directory that
is not the checkout: everything it needs ships inside the package."""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from sopengine.config import PROJECT_ROOT
from sopengine.export.manifest import read_manifest
from tests.helpers import free_port, wait_until_healthy

pytestmark = pytest.mark.slow

WHEEL_ENV = "SOPENGINE_TEST_WHEEL"
"""A wheel built beforehand (.ci/run builds one); else the test builds it."""
VENV_ENV = "SOPENGINE_TEST_WHEEL_VENV"
"""A fresh virtual environment with that wheel installed (.ci/run makes one for both of
its test runs); else the test makes it."""


@contextmanager
def shared(tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[Path]:
    """A directory all of this run's pytest-xdist workers share, held under a lock: the first
    worker to need it builds in it, the others wait and find it built (two builds at once
    would also fight over the checkout's build/ and egg-info)."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the run's directory, above each worker's own
    with (root / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield root / name


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if given := os.environ.get(WHEEL_ENV):
        return Path(given)
    with shared(tmp_path_factory, "dist") as out:
        if not list(out.glob("sopengine-*.whl")):
            shutil.rmtree(out, ignore_errors=True)
            # sdist first, then the wheel from the unpacked sdist: both must carry everything.
            subprocess.run(
                [sys.executable, "-m", "build", "--outdir", str(out), str(PROJECT_ROOT)],
                check=True,
                capture_output=True,
                timeout=600,
            )
        (built,) = out.glob("sopengine-*.whl")
    return built


@pytest.fixture(scope="session")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the wheel (and its dependencies) installed."""
    if given := os.environ.get(VENV_ENV):
        return Path(given) / "bin"
    with shared(tmp_path_factory, "venv") as venv:
        done = venv / "installed"
        if not done.exists():
            shutil.rmtree(venv, ignore_errors=True)
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
            subprocess.run(
                [
                    str(venv / "bin" / "pip"),
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                    str(wheel),
                ],
                check=True,
                timeout=900,
            )
            done.touch()
    return venv / "bin"


def test_the_wheel_carries_its_data_files(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        "sopengine/migrations/env.py",
        "sopengine/migrations/script.py.mako",
        "sopengine/sop_templates/reference.docx",
        "sopengine/sop_templates/return_reintegration.json",
        "sopengine/web/templates/base.html",
        "sopengine/web/static/css/site.css",
        "sopengine/web/static/favicon.svg",
        "sopengine/web/static/docs/swagger-ui-bundle.js",
        "sopengine/web/static/docs/redoc.standalone.js",
        "sopengine/web/static/docs/LICENSE.redoc.txt",
        "sopengine/web/translations/ar/LC_MESSAGES/messages.po",
        "sopengine/data/common_passwords.txt",
    }
    assert expected <= names, sorted(expected - names)
    shipped = {n for n in names if n.startswith("sopengine/migrations/versions/")}
    in_checkout = {
        f"sopengine/migrations/versions/{p.name}"
        for p in (PROJECT_ROOT / "sopengine" / "migrations" / "versions").glob("*.py")
    }
    assert shipped == in_checkout
    for source in (PROJECT_ROOT / "sopengine" / "web" / "static").rglob("*"):
        if source.is_file():
            assert str(source.relative_to(PROJECT_ROOT)) in names, source


@pytest.fixture
def elsewhere(tmp_path: Path, scratch_url: str) -> tuple[Path, dict[str, str]]:
    """A working directory outside the checkout, and an environment without it."""
    cwd = tmp_path / "ministry-it"
    cwd.mkdir()
    env = {
        k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")
    }
    env["SOPENGINE_DATABASE_URL"] = scratch_url
    return cwd, env


def test_the_installed_package_upgrades_serves_and_exports_from_anywhere(
    installed: Path, elsewhere: tuple[Path, dict[str, str]]
) -> None:
    cwd, env = elsewhere
    port = free_port()
    env["SOPENGINE_PUBLIC_URL"] = f"http://127.0.0.1:{port}"

    def sopengine(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(installed / "sopengine"), *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    where = subprocess.run(
        [str(installed / "python"), "-c", "import sopengine; print(sopengine.__file__)"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(where.stdout.strip()).is_relative_to(installed.parent)
    assert not (cwd / "alembic.ini").exists()

    upgraded = sopengine("db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    system = sopengine(
        "officials", "create", "--name", "MOMD system", "--role", "drafter",
        "--ministry", "MOMD", "--kind", "system",
    )  # fmt: skip
    assert system.returncode == 0, system.stderr
    token = system.stdout.strip().splitlines()[-1]
    person = sopengine("officials", "create", "--name", "Ada", "--role", "admin")
    assert person.returncode == 0 and "/invite/" in person.stdout, person.stderr

    server = subprocess.Popen(
        [str(installed / "sopengine"), "serve", "--port", str(port), "--no-upgrade"],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_healthy(url, server, timeout=120)
        with httpx.Client(base_url=url, timeout=60) as http:
            ready = http.get("/readyz")
            assert ready.status_code == 200, ready.text
            created = http.post(
                "/api/v1/sops",
                json={"code": "SOP-PKG-001", "template": "return_reintegration"},
                headers={"Authorization": f"Bearer {token}"},
            )
            assert created.status_code == 201, created.text
            docs = http.get("/docs").text
            assert "/static/docs/swagger-ui-bundle.js" in docs
            assert http.get("/static/docs/swagger-ui-bundle.js").status_code == 200
            arabic = http.get("/sign-in", headers={"Accept-Language": "ar"})
            assert arabic.status_code == 200 and 'dir="rtl"' in arabic.text
            assert re.search(r"[\u0600-\u06FF]{3,}", arabic.text)
            assert http.get("/metrics").status_code == 200
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=60)
    assert server.returncode == 0, output.decode()

    exported = sopengine("export", "SOP-PKG-001", "--version", "1", "--lang", "ar", "-o", "v1.docx")
    assert exported.returncode == 0, exported.stderr
    manifest = read_manifest((cwd / "v1.docx").read_bytes())
    assert manifest["sop_code"] == "SOP-PKG-001" and manifest["version"] == "1"
