"""One gate for every request: text no honest client sends is refused before any view.

A NUL character cannot be stored in PostgreSQL text (a 500 there) and a lone UTF-16
surrogate (``"\\ud800"`` in JSON) cannot be encoded as UTF-8 (stored on SQLite, it
breaks every page that later shows it). Both are refused here, once, for the path,
the query string, the headers (cookies included), form fields, file names and JSON
bodies, with 400: problem+json for the APIs, Django's 400 page elsewhere. A request
body over the size limits is answered 413 here too, while it streams in.
"""

import functools
import json
import re

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import Resolver404, URLResolver, get_resolver, resolve
from django.utils.translation import gettext as _

UNSAFE = re.compile("[\x00\ud800-\udfff]")
FORMS = ("multipart/form-data", "application/x-www-form-urlencoded")


class UnsafeInput(SuspiciousOperation):
    """A request carrying NUL or a lone surrogate (Django answers 400)."""


def unsafe_json(value) -> bool:
    """True if a string anywhere in a parsed JSON value (keys too) is unsafe; no recursion."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if UNSAFE.search(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _unsafe_texts(texts) -> bool:
    return any(UNSAFE.search(text) for text in texts if isinstance(text, str))


def where_unsafe(request) -> str | None:
    """The part of the request that carries unsafe text, else None.

    Raises RequestDataTooBig (an upload over the limit, refused while it streams)."""
    if UNSAFE.search(request.path_info):
        return "path"
    if _unsafe_texts(k for pair in request.GET.lists() for k in (pair[0], *pair[1])):
        return "query"
    if _unsafe_texts(value for key, value in request.META.items() if key.startswith("HTTP_")):
        return "header"
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    if request.content_type in FORMS:
        if request.method == "POST":
            try:
                fields = [k for pair in request.POST.lists() for k in (pair[0], *pair[1])]
                names = [f.name for files in request.FILES.lists() for f in files[1]]
            except RequestDataTooBig:
                raise  # an upload over the limit (applications.files): 413 below
            except MultiPartParserError:
                return None  # broken multipart: the view finds no fields and says so
            if _unsafe_texts([*fields, *request.FILES.keys(), *names]):
                return "form"
        return None
    try:
        body = request.body
    except RequestDataTooBig:
        return None  # the view refuses it when it reads the body (413)
    if not body:
        return None
    try:  # bytes: json decodes UTF-8 with surrogatepass, so encoded surrogates show too
        data = json.loads(body)
    except (ValueError, RecursionError):
        return None  # not JSON: binary bodies (timestamps) or broken JSON the API refuses
    return "body" if unsafe_json(data) else None


def _is_api(request) -> bool:
    """Served by a NinjaAPI, or under where one is mounted (an unknown API path)."""
    try:
        return "ninja" in resolve(request.path_info).app_names
    except Resolver404:
        return request.path_info.startswith(_mounts(get_resolver()))


@functools.cache
def _mounts(resolver) -> tuple[str, ...]:
    """Where NinjaAPIs are mounted, per URLconf (get_resolver() is one object per URLconf)."""
    def walk(patterns, prefix):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                here = prefix + str(entry.pattern)
                yield from [here] if entry.app_name == "ninja" else walk(entry.url_patterns, here)
    return tuple(walk(resolver.url_patterns, "/"))


def _problem(status: int, title: str, detail: str) -> HttpResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    return HttpResponse(json.dumps(body), status=status,
                        content_type="application/problem+json")


class InputGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            part = where_unsafe(request)
        except RequestDataTooBig:
            if _is_api(request):
                return _problem(413, "The request body is too large",
                                "The upload is larger than this server accepts.")
            return HttpResponse(_("The file is larger than this server accepts."),
                                status=413, content_type="text/plain; charset=utf-8")
        if part is None:
            return self.get_response(request)
        if _is_api(request):
            return _problem(400, "Text not allowed",
                            f"The {part} contains a NUL character or a lone surrogate.")
        raise UnsafeInput(f"NUL or lone surrogate in the {part}")
