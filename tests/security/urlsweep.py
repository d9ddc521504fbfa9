"""Walk every URL pattern of the project and build a concrete path for each, from a world's ids.

Patterns come from ``get_resolver()`` (never from module paths), so a new URL anywhere (app,
Wagtail admin, allauth, a third-party include) is swept without touching this file: its
parameters are filled by the rules below, by the model the view declares, or by their name.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from urllib.parse import quote

from django.conf import settings
from django.core.cache import cache
from django.db import connection, reset_queries, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>")


@dataclass(frozen=True)
class Endpoint:
    """One URL pattern, with the text of its pattern parts joined (what a finding names)."""

    route: str
    name: str
    parts: tuple
    callback: object = field(compare=False)

    @property
    def model(self):
        """The model a class-based view declares (Wagtail viewsets, snippets), if any."""
        initkwargs = getattr(self.callback, "view_initkwargs", None) or {}
        view_class = getattr(self.callback, "view_class", None)
        for model in (initkwargs.get("model"), getattr(view_class, "model", None)):
            if isinstance(model, type):
                return model
        return None

    def params(self) -> list[tuple[str, str]]:
        """(name, converter) of each parameter; regex groups get converter "re"."""
        found: list[tuple[str, str]] = []
        for part in self.parts:
            if isinstance(part, RoutePattern):
                found += [
                    (m["name"], m["converter"] or "str") for m in ROUTE_PARAM.finditer(str(part))
                ]
            else:
                found += [(name, "re") for name, _body in _regex_groups(str(part))]
        return found


def endpoints() -> list[Endpoint]:
    """Every URL pattern of the project, depth first, in URLconf order."""
    found: list[Endpoint] = []

    def walk(resolver: URLResolver, parts: tuple, namespaces: tuple) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                ns = (*namespaces, entry.namespace) if entry.namespace else namespaces
                walk(entry, (*parts, entry.pattern), ns)
            elif isinstance(entry, URLPattern):
                all_parts = (*parts, entry.pattern)
                found.append(
                    Endpoint(
                        route="".join(str(p) for p in all_parts),
                        name=":".join((*namespaces, entry.name or "-")),
                        parts=all_parts,
                        callback=entry.callback,
                    )
                )

    walk(get_resolver(), (), ())
    return found


def _regex_groups(regex: str) -> Iterator[tuple[str, str]]:
    """Top-level capturing groups of a regex: (name, body); unnamed ones are "_1", "_2"…"""
    position, unnamed = 0, 0
    while (start := regex.find("(", position)) != -1:
        if start and regex[start - 1] == "\\":
            position = start + 1
            continue
        depth, end = 0, start
        while end < len(regex):
            if regex[end] == "\\":
                end += 2
                continue
            depth += {"(": 1, ")": -1}.get(regex[end], 0)
            if depth == 0:
                break
            end += 1
        body = regex[start + 1 : end]
        if named := re.match(r"\?P<(\w+)>", body):
            yield named[1], body
        elif not body.startswith("?"):
            unnamed += 1
            yield f"_{unnamed}", body
        position = end + 1


def _regex_to_path(regex: str, values: Mapping[str, str]) -> str:
    """Replace the groups of a regex by values and unescape what remains."""
    out, position = [], 0
    for name, body in _regex_groups(regex):
        start = regex.index("(" + body, position)
        out.append(regex[position:start])
        out.append(values[name])
        position = start + len(body) + 2
    out.append(regex[position:])
    text = "".join(out).removeprefix("^").removesuffix("$").removesuffix(r"\Z")
    text = text.replace(".*", "sweep").replace(".+", "sweep")
    return re.sub(r"\\(.)", r"\1", text)


def build_path(endpoint: Endpoint, values: Mapping[str, str]) -> str:
    path = []
    for part in endpoint.parts:
        if isinstance(part, RegexPattern):
            path.append(_regex_to_path(str(part), values))
        else:
            path.append(ROUTE_PARAM.sub(lambda m: values[m["name"]], str(part)))
    return "/" + "".join(path)


# ---------------------------------------------------------------------------------------------
# Requests and what counts as a finding


@dataclass(frozen=True)
class Finding:
    route: str
    role: str
    method: str
    path: str
    status: int | str
    detail: str

    def __str__(self) -> str:
        return (
            f"{self.method} {self.path} [{self.route}] as {self.role}: {self.status} {self.detail}"
        )


def body_of(response) -> bytes:
    """The whole body, streamed or not; a PDF also yields its extracted text."""
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    # No response.close() here: the test client closes responses itself, with Django's
    # close_old_connections unhooked; a second close would close the database connection
    # in the middle of the test transaction (PostgreSQL).
    if response.get("Content-Type", "").startswith("application/pdf") and body:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(body))
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
        body += text.encode()
        body += str(reader.metadata or {}).encode()
    return body


def leak_of(body: bytes, markers: tuple[str, ...], *, echo: tuple[str, ...] = ()) -> str | None:
    """The context around the first marker found in `body` (case-insensitive), else None.

    What the visitor sent (`echo`: the path, form values) is taken out first: a login or
    password form that sends them back to the URL they typed repeats what they already knew.
    """
    for sent in echo:
        for form in {sent, quote(sent), quote(sent, safe=""), json.dumps(sent)[1:-1]} - {""}:
            body = body.replace(form.encode(), b"")
    lower = body.lower()
    for marker in markers:
        at = lower.find(marker.lower().encode())
        if at != -1:
            snippet = body[max(0, at - 60) : at + 60].decode("utf-8", "replace")
            return " ".join(snippet.split())
    return None


WRITES = ("INSERT", "UPDATE", "DELETE")


def _wrote(queries: CaptureQueriesContext) -> bool:
    """Whether the request wrote anything but its session (which every sign-in touches)."""
    return any(
        q["sql"].lstrip().upper().startswith(WRITES) and "django_session" not in q["sql"]
        for q in queries.captured_queries
    )


def send(client: Client, method: str, path: str, data: dict | None = None, *, changed=None):
    """One request whose writes are rolled back, so the next one sees the same world.

    Returns (response, body, what `changed(response)` said before the rollback), or (the
    exception a view raised, b"", None): an exception is a 500 in production.
    """
    session_cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    # The query log holds at most 9,000 entries: a full one would hide this request's writes.
    reset_queries()
    try:
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            response = client.post(path, data or {}) if method == "POST" else client.get(path)
            body = body_of(response)
            change = changed(response) if changed and _wrote(queries) else None
            transaction.set_rollback(True)
    except Exception as error:  # any exception a view raises is a finding
        return error, b"", None
    finally:
        # A logout or a session rotation changes the cookie; the rolled-back row is still there.
        if session_cookie is not None:
            client.cookies[settings.SESSION_COOKIE_NAME] = session_cookie.value
        # Rate-limit counters and Wagtail's cached lookups are not rolled back with the data.
        cache.clear()
    return response, body, change
