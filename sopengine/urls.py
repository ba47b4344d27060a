"""The API's paths, built in one place (services put them in webhooks, routes in headers)."""

from __future__ import annotations

from urllib.parse import quote

API_PREFIX = "/api/v1"


def sop_path(code: str) -> str:
    return f"{API_PREFIX}/sops/{quote(code, safe='')}"


def version_path(code: str, number: int) -> str:
    return f"{sop_path(code)}/versions/{number}"


def webhook_path(webhook_id: int) -> str:
    return f"{API_PREFIX}/webhooks/{webhook_id}"


# --- the web pages' paths (e-mail notices link to them) ---------------------------------------

NOTICE_SETTINGS_PAGE = "/account/notices"


def version_page(code: str, number: int) -> str:
    return f"/sops/{quote(code, safe='')}/versions/{number}"
