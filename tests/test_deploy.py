"""The deployment files: no Docker engine runs here, so what can be checked without one is:
the compose file parses, its services are wired as documented, and every command they
run is a real ``sopengine`` command with real settings."""

from __future__ import annotations

import json
import re
import shlex
from typing import Any

import pytest
import yaml

from sopengine.cli import build_parser
from sopengine.config import PROJECT_ROOT, Settings

COMPOSE = PROJECT_ROOT / "deploy" / "compose.yaml"
DOCKERFILE = PROJECT_ROOT / "Dockerfile"


@pytest.fixture(scope="module")
def services() -> dict[str, Any]:
    compose = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    services: dict[str, Any] = compose["services"]
    return services


def assert_real_command(command: list[str]) -> None:
    assert command[0] == "sopengine", command
    args = build_parser().parse_args(command[1:])  # exits (fails the test) if not a command
    assert callable(args.handler)


def test_compose_has_the_database_a_migration_two_apis_and_a_worker(
    services: dict[str, Any],
) -> None:
    assert set(services) == {"db", "migrate", "api", "worker"}
    assert services["db"]["image"].startswith("postgres:")
    assert services["migrate"]["command"] == ["sopengine", "db", "upgrade"]
    assert services["migrate"]["restart"] == "no"
    api = services["api"]
    assert api["deploy"]["replicas"] == 2
    assert api["command"][:3] == ["sopengine", "serve", "--no-upgrade"]
    assert services["worker"]["command"] == ["sopengine", "worker"]
    for name in ("api", "worker"):
        depends = services[name]["depends_on"]
        assert depends == {"migrate": {"condition": "service_completed_successfully"}}
    assert services["migrate"]["depends_on"] == {"db": {"condition": "service_healthy"}}


def test_compose_commands_and_settings_are_real(services: dict[str, Any]) -> None:
    fields = set(Settings.model_fields)
    for name in ("migrate", "api", "worker"):
        assert_real_command(services[name]["command"])
        environment = services[name]["environment"]
        for key in environment:
            assert key.startswith("SOPENGINE_") and key[len("SOPENGINE_") :].lower() in fields, key
        assert environment["SOPENGINE_DATABASE_URL"].startswith("postgresql+psycopg://")
        assert "@db:5432/" in environment["SOPENGINE_DATABASE_URL"]
    # The commands the header tells an operator to run are real too.
    for line in COMPOSE.read_text(encoding="utf-8").splitlines():
        if "docker compose run --rm migrate sopengine" in line:
            assert_real_command(shlex.split(line.split("migrate ", 1)[1]))


def _instructions() -> list[tuple[str, str]]:
    text = DOCKERFILE.read_text(encoding="utf-8").replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines()]
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "")
        for line in lines
        if line and not line.startswith("#")
    ]


def test_the_dockerfile_builds_a_wheel_and_runs_it_unprivileged_with_a_health_check() -> None:
    steps = _instructions()
    stages = [arg for op, arg in steps if op == "FROM"]
    assert len(stages) >= 2 and " AS build" in stages[0]
    runs = " ".join(arg for op, arg in steps if op == "RUN")
    assert (
        "python -m build --wheel" in runs
        and "pip install --no-cache-dir /tmp/dist/sopengine-" in runs
    )
    assert "-e ." not in runs, "the image installs the wheel, not the checkout"
    (user,) = [arg for op, arg in steps if op == "USER"]
    assert user not in ("root", "0")
    (health,) = [arg for op, arg in steps if op == "HEALTHCHECK"]
    assert "/healthz" in health
    (cmd,) = [arg for op, arg in steps if op == "CMD"]
    assert_real_command(json.loads(cmd))
    copied = [arg for op, arg in steps if op == "COPY"]
    assert not any(re.search(r"\bmigrations\b|sop_templates|alembic\.ini", c) for c in copied), (
        "everything the service needs ships inside the wheel"
    )
