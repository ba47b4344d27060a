"""Rendering pages: one Jinja2 environment; a whole page, or one block of it for htmx."""

from __future__ import annotations

from functools import cache
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from jinja2_fragments import render_block

from sopengine.web.i18n import Lang


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("sopengine.web", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def page(
    request: Request,
    template: str,
    lang: Lang,
    *,
    status_code: int = 200,
    block: str | None = None,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    """The whole page, or only ``block`` when htmx asks for it (``HX-Request``).

    Both come from the same template, so a partial never drifts from its page.
    """
    values = {
        "request": request,
        "lang": lang,
        "_": lang.gettext,
        "path": request.url.path,
        **context,
    }
    env = environment()
    if block is not None and request.headers.get("HX-Request") == "true":
        html = render_block(env, template, block, values)
    else:
        html = env.get_template(template).render(values)
    return HTMLResponse(html, status_code=status_code, headers=headers)
