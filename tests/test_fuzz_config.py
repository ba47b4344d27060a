"""The fuzzer's configuration comes from the OpenAPI document: what an operation marks as
its own business rules is what schemathesis may see it answer to schema-valid input."""

from __future__ import annotations

import importlib.util
import tomllib

from sopengine.config import PROJECT_ROOT


def load_driver():
    spec = importlib.util.spec_from_file_location("fuzz", PROJECT_ROOT / "tools" / "fuzz.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def test_business_rule_statuses_become_expected_for_valid_input(client) -> None:
    fuzz = load_driver()
    document = (await client.get("/openapi.json")).json()
    config = tomllib.loads(fuzz.config_from_document(document))
    expected = {
        op["include-name"]: op["checks"]["positive_data_acceptance"]["expected-statuses"]
        for op in config["operations"]
    }
    # POST /sops refuses valid-looking bodies by cross-field rules (422): documented as such.
    assert "422" in expected["POST /api/v1/sops"]
    # GET /sops refuses a cursor it never gave out (400).
    assert "400" in expected["GET /api/v1/sops"]
    # Only what the framework adds (validation, malformed bodies) is not a business rule.
    assert "GET /api/v1/me" not in expected
    assert "413" not in expected["POST /api/v1/sops"]
