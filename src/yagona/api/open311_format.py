"""Open311 GeoReport v2's two formats: XML (schemaless, no namespace, the root preceded by
the declaration with encoding UTF-8) and JSON, its "Spark convention" mapping (a list for
a repeated element, null for an empty one). The spec's error list: ``errors`` of ``error``
with a code and a description; the HTTP status 404 for what does not exist, 403 for a
wrong or missing api_key, 400 for anything else.

Spec: http://wiki.open311.org/GeoReport_v2 (its source: github.com/open311/open311.github.io,
GeoReport_v2/index.md), "Format Support", "JSON Support" and "Errors"."""

import json
from xml.etree import ElementTree

from django.http import HttpResponse

CONTENT_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
# The element each item of a list is wrapped in, by the list's name.
ITEMS = {"services": "service", "attributes": "attribute", "values": "value",
         "service_requests": "request", "errors": "error"}


class Open311Error(Exception):
    """A refusal in the spec's error format: HTTP ``status`` with one or more errors."""

    def __init__(self, status: int, *descriptions: str):
        super().__init__("; ".join(descriptions))
        self.status, self.descriptions = status, descriptions


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _build(parent: ElementTree.Element, name: str, value) -> None:
    element = ElementTree.SubElement(parent, name)
    _fill(element, name, value)


def _fill(element: ElementTree.Element, name: str, value) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _build(element, key, item)
    elif isinstance(value, list):
        for item in value:
            _build(element, ITEMS[name], item)
    elif value is not None:
        element.text = _text(value)


def render(fmt: str, root: str, value, status: int = 200) -> HttpResponse:
    """``value`` as the document ``root`` (services, service_definition, service_requests,
    errors): in JSON the value itself (a list, or the definition's object)."""
    if fmt == "json":
        body = json.dumps(value, ensure_ascii=False)
    else:
        element = ElementTree.Element(root)
        _fill(element, root, value)
        body = '<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(
            element, encoding="unicode")
    return HttpResponse(body.encode(), status=status, content_type=CONTENT_TYPES[fmt])


def errors(fmt: str, status: int, *descriptions: str) -> HttpResponse:
    return render(fmt, "errors", [{"code": status, "description": text}
                                  for text in descriptions], status=status)
