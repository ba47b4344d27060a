"""Reading pages as a browser does: signing in, a form's fields as it would submit them,
and which controls have a label."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode

import httpx


@dataclass
class Control:
    tag: str
    attrs: dict[str, str]
    value: str = ""
    form: str = ""
    options: list[tuple[str, bool]] = field(default_factory=list)


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.controls: list[Control] = []
        self.label_for: set[str] = set()
        self.wrapped: set[int] = set()
        self._labels = 0
        self._open: Control | None = None
        self._form = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        given = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = given.get("class", "")
        elif tag == "label":
            self._labels += 1
            if "for" in given:
                self.label_for.add(given["for"])
        elif tag in ("input", "textarea", "select"):
            control = Control(tag, given, given.get("value", ""), self._form)
            if self._labels:
                self.wrapped.add(len(self.controls))
            self.controls.append(control)
            if tag != "input":
                self._open = control
        elif tag == "option" and self._open is not None:
            self._open.options.append((given.get("value", ""), "selected" in given))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = ""
        elif tag == "label":
            self._labels -= 1
        elif tag in ("textarea", "select"):
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None and self._open.tag == "textarea":
            self._open.value += data


def parse(html: str) -> _Forms:
    forms = _Forms()
    forms.feed(html)
    return forms


def fields(html: str, form: str = "edit-form") -> list[tuple[str, str]]:
    """The (name, value) pairs the form of this class submits (without any button)."""
    out: list[tuple[str, str]] = []
    for c in parse(html).controls:
        name = c.attrs.get("name")
        if c.form != form or not name or "disabled" in c.attrs:
            continue
        if c.tag == "input":
            kind = c.attrs.get("type", "text")
            if kind == "checkbox" and "checked" not in c.attrs:
                continue
            out.append((name, c.value))
        elif c.tag == "textarea":
            out.append((name, c.value.removeprefix("\n")))
        else:
            chosen = [v for v, selected in c.options if selected] or [c.options[0][0]]
            out.append((name, chosen[0]))
    return out


def unlabelled(html: str) -> list[str]:
    """Visible controls with no label."""
    page = parse(html)
    return [
        c.attrs.get("name", "?")
        for i, c in enumerate(page.controls)
        if c.attrs.get("type") != "hidden"
        and i not in page.wrapped
        and c.attrs.get("id") not in page.label_for
    ]


async def submit(
    client: httpx.AsyncClient, url: str, pairs: list[tuple[str, str]], **headers: str
) -> httpx.Response:
    """POST the pairs as a browser posts a form (names may repeat)."""
    return await client.post(
        url,
        content=urlencode(pairs),
        headers={"Content-Type": "application/x-www-form-urlencoded", **headers},
    )


def value(pairs: list[tuple[str, str]], name: str) -> str:
    return next(v for k, v in pairs if k == name)


def setting(pairs: list[tuple[str, str]], **changes: str) -> list[tuple[str, str]]:
    """The pairs with some values replaced (names with dots written with ``__``)."""
    named = {k.replace("__", "."): v for k, v in changes.items()}
    return [(k, named.get(k, v)) for k, v in pairs]
