"""Fuzz every operation of the API with schemathesis, as a facilitator and as a drafter.

    python tools/fuzz.py [--max-examples 5] [--seed 1] [--report-dir DIR]

Builds a scratch SQLite database with ``alembic upgrade head``, creates a facilitator and
a drafter of the Ministry of Migration and Displaced with an API token each, starts the
service on a free port, creates one SOP (so paths that name ``SOP-RR-001`` reach a real
record), then runs ``schemathesis run`` against the service's own OpenAPI document once
per token, with every check enabled. The operations come from the document, so a new
endpoint is fuzzed without a change here. Exits non-zero on the first run that fails.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
SEED_SOP = {
    "code": "SOP-RR-001",
    "thematic_area": "return_reintegration",
    "lead_ministry": "MOMD",
    "title": {"en": "Return and reintegration", "ar": "العودة وإعادة الإدماج"},
    "languages": ["en", "ar"],
    "primary_language": "en",
    "required_ministries": ["MFA", "MOI", "MOMD", "MOLSA"],
    "template": "return_reintegration",
}


DECOY_TOKENS = 5
FUZZ_TOKEN_IDS = 1_987_654_300
DEFAULT_EXPECTED = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]
"""What schemathesis accepts by default for a request its schema allows."""
BUSINESS_RULE = "x-business-rule"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def create_officials(database_url: str) -> dict[str, str]:
    """A facilitator's and a drafter's API token, made directly in the scratch database.

    The tokens get ids far from the small numbers the fuzzer tries, so that
    ``DELETE /me/tokens/{token_id}`` revokes other tokens and not the one fuzzing.
    """
    from sopengine.config import Settings
    from sopengine.db.session import make_engine, make_sessionmaker
    from sopengine.services import officials

    engine = make_engine(Settings(database_url=database_url))
    tokens, made = {}, []
    try:
        with make_sessionmaker(engine).begin() as session:
            for role, ministry in (("facilitator", None), ("drafter", "MOMD")):
                person = officials.create_official(
                    session,
                    None,
                    officials.NewOfficial(
                        name=f"Fuzz {role}", roles=[role], ministry=ministry, position="Fuzzer"
                    ),
                )
                for _ in range(DECOY_TOKENS):
                    officials.issue_token(session, person, person, label="decoy")
                made.append(officials.issue_token(session, person, person))
                tokens[role] = made[-1][1]
            session.flush()
            for n, (token, _) in enumerate(made, start=1):
                token.id = FUZZ_TOKEN_IDS + n
    finally:
        engine.dispose()
    return tokens


def wait_until_up(base: str, server: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if server.poll() is not None:
            raise SystemExit(f"the service exited with {server.returncode}")
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise SystemExit("the service did not start within 30 seconds")


def config_from_document(document: dict[str, Any]) -> str:
    """schemathesis.toml: for each operation, the statuses its own rules may answer to a
    request its schema allows, as the OpenAPI document marks them (``x-business-rule``)."""
    lines = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            ruled = sorted(
                status
                for status, answer in operation.get("responses", {}).items()
                if answer.get(BUSINESS_RULE) and status not in DEFAULT_EXPECTED
            )
            if not ruled:
                continue
            lines += [
                "[[operations]]",
                f"include-name = {json.dumps(f'{method.upper()} {path}')}",
                "checks.positive_data_acceptance.expected-statuses = "
                + json.dumps(DEFAULT_EXPECTED + ruled),
                "",
            ]
    return "\n".join(lines)


RUNS = (
    ("facilitator", "examples,coverage,fuzzing,stateful"),
    # The coverage phase's cases do not depend on who asks, and it is most of the time: the
    # drafter's run fuzzes and walks the links, where its narrower permissions show.
    ("drafter", "examples,fuzzing,stateful"),
)


def schemathesis(
    base: str, token: str, args: argparse.Namespace, name: str, phases: str, config: Path
) -> int:
    command = [
        shutil.which("st") or "st",
        "--config-file",
        str(config),
        "run",
        f"{base}/openapi.json",
        "--checks",
        "all",
        "--max-examples",
        str(args.max_examples),
        "--seed",
        str(args.seed),
        "--header",
        f"Authorization: Bearer {token}",
        "--workers",
        "1",
        "--request-timeout",
        "30",
        "--no-shrink",
        "--phases",
        phases,
    ]
    if args.report_dir:
        command += [
            "--report",
            "junit",
            "--report-dir",
            str(Path(args.report_dir).resolve() / name),
        ]
    print(f"\n== schemathesis as the {name} ==", flush=True)
    # Run in the scratch directory: schemathesis keeps a cache of crashes where it runs.
    return subprocess.run(command, cwd=config.parent, check=False).returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-examples", type=int, default=5, help="per operation and phase")
    parser.add_argument("--seed", type=int, default=1, help="the same seed fuzzes the same way")
    parser.add_argument("--report-dir", help="write JUnit reports here")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="sopengine-fuzz-") as scratch:
        database_url = f"sqlite:///{scratch}/fuzz.db"
        env = {
            **os.environ,
            "SOPENGINE_DATABASE_URL": database_url,
            "SOPENGINE_TEMPLATES_DIR": str(ROOT / "sopengine" / "sop_templates"),
            # Every fuzzed sign-in checks a password: cheap hashing keeps the run short (the
            # real parameters cost ~50 ms a check and would only slow the fuzzer down).
            "SOPENGINE_ARGON2_TIME_COST": "1",
            "SOPENGINE_ARGON2_MEMORY_KIB": "64",
            # The fuzzer sends many bad tokens and passwords on purpose: the per-address
            # limit on failed authentication (tested in tests/api/test_token_life.py) would
            # otherwise answer 429 to everything after the thirtieth and hide the rest.
            "SOPENGINE_SIGNIN_ADDRESS_MAX_FAILURES": "1000000",
            "SOPENGINE_ARGON2_PARALLELISM": "1",
        }
        subprocess.run(
            [sys.executable, "-m", "sopengine.cli", "db", "upgrade"], env=env, check=True, cwd=ROOT
        )
        tokens = create_officials(database_url)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "sopengine.main:create_app",
                "--factory",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=scratch,
        )
        try:
            wait_until_up(base, server)
            seeded = httpx.post(
                f"{base}/api/v1/sops",
                json=SEED_SOP,
                headers={"Authorization": f"Bearer {tokens['drafter']}"},
                timeout=120,
            )
            if seeded.status_code != 201:
                raise SystemExit(f"could not create the seed SOP: {seeded.text}")
            config = Path(scratch) / "schemathesis.toml"
            document = httpx.get(f"{base}/openapi.json", timeout=120).json()
            config.write_text(config_from_document(document), encoding="utf-8")
            started = time.monotonic()
            for name, phases in RUNS:
                code = schemathesis(base, tokens[name], args, name, phases, config)
                if code != 0:
                    return code
            print(f"\nfuzzing passed in {time.monotonic() - started:.0f} s")
            return 0
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
