"""A registry record as a web form, derived from its schema version.

Each scalar field is one input named by its path (``surname``, ``address.city``);
coded values are a list to choose from, dates a date input; a list of values is one
value per line, a list of objects JSON. What the keeper typed is kept as typed, so
a refused form comes back with every answer and the error beside its field.
"""

import json
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from yagona.core.text import localized
from yagona.registries.models import RegistryVersion
from yagona.registries.services import FieldError, RecordInvalid


@dataclass
class Input:
    name: str  # the field's path, dotted
    label: str
    widget: str  # text, textarea, select, date, number (portal/_field.html)
    required: bool
    kind: str  # the JSON type: string, integer, number, boolean, lines, json
    options: list = field(default_factory=list)
    hint: str = ""


@dataclass
class Bound:
    field: Input
    value: str = ""
    error: str = ""


@dataclass
class Group:
    legend: str  # "" for a field of its own
    inputs: list[Bound]


class RecordForm:
    def __init__(self, version: RegistryVersion, shown=None):
        """``shown``: the top-level fields the keeper may see and change (None: all)."""
        self.version = version
        schema = version.schema
        required = set(schema.get("required") or [])
        self.groups: list[Group] = []
        for name in version.fields:
            if shown is not None and name not in shown:
                continue
            inner = schema["properties"][name]
            label = localized(version.labels.get(name)) or name
            if inner.get("type") == "object":
                inner_required = set(inner.get("required") or [])
                self.groups.append(Group(label, [
                    Bound(self._input(f"{name}.{sub}", inner["properties"][sub],
                                      sub in inner_required,
                                      localized(version.labels.get(f"{name}.{sub}")) or sub))
                    for sub in version.subfields(name)]))
            else:
                self.groups.append(Group("", [Bound(self._input(name, inner, name in required,
                                                                label))]))
        self.errors: dict[str, str] = {}  # input name (or "") -> message, for the summary

    def _input(self, name: str, schema: dict, required: bool, label: str) -> Input:
        kind = schema.get("type", "string")
        if kind == "array":
            items = schema.get("items") or {}
            if items.get("type") == "object":
                example = [dict.fromkeys(items.get("properties") or {}, "…")]
                return Input(name, label, "textarea", required, "json",
                             hint=_("As JSON, for example %(example)s") % {
                                 "example": json.dumps(example, ensure_ascii=False)})
            return Input(name, label, "textarea", required, "lines",
                         hint=_("One per line."))
        if "enum" in schema:
            labels = self.version.value_labels.get(name) or {}
            return Input(name, label, "select", required, kind, options=[
                (str(v), localized(labels.get(str(v))) or str(v)) for v in schema["enum"]])
        if kind == "boolean":
            return Input(name, label, "select", required, kind,
                         options=[("true", _("Yes")), ("false", _("No"))])
        if schema.get("format") == "date":
            return Input(name, label, "date", required, kind)
        if kind in ("integer", "number"):
            return Input(name, label, "number" if kind == "integer" else "text", required, kind)
        free = not (schema.get("pattern") or schema.get("x-person-id")
                    or schema.get("x-business-id"))
        long_text = schema.get("maxLength", 10_000 if free else 0) > 300
        return Input(name, label, "textarea" if long_text else "text", required, kind)

    @property
    def bound(self) -> list[Bound]:
        return [b for group in self.groups for b in group.inputs]

    def fill(self, data: dict) -> "RecordForm":
        """Show a record's values."""
        for b in self.bound:
            value = data
            for part in b.field.name.split("."):
                value = value.get(part) if isinstance(value, dict) else None
            b.value = _text(value, b.field.kind)
        return self

    def parse(self, posted) -> dict:
        """The record the keeper typed (empty inputs are absent fields); raises
        RecordInvalid for what cannot even be read (a word where a number goes)."""
        data: dict = {}
        errors = []
        for b in self.bound:
            b.value = (posted.get(b.field.name) or "").strip()
            if not b.value:
                continue
            try:
                value = _value(b.value, b.field.kind)
            except ValueError as exc:
                errors.append(FieldError("/" + b.field.name.replace(".", "/"), str(exc)))
                continue
            target, parts = data, b.field.name.split(".")
            for part in parts[:-1]:
                target = target.setdefault(part, {})
            target[parts[-1]] = value
        if errors:
            raise RecordInvalid(errors)
        return data

    def show_errors(self, errors: list[FieldError]) -> None:
        """Put each error beside its input (the deepest input its path is in)."""
        names = {b.field.name: b for b in self.bound}
        for error in errors:
            parts = [p for p in error.path.split("/") if p]
            target = None
            for end in range(len(parts), 0, -1):
                target = names.get(".".join(parts[:end]))
                if target:
                    break
            if target is None:
                self.errors.setdefault("", error.message)
                continue
            target.error = target.error or error.message
            self.errors.setdefault(target.field.name, f"{target.field.label}: {error.message}")


def _text(value, kind: str) -> str:
    if value is None:
        return ""
    if kind == "lines":
        return "\n".join(str(v) for v in value)
    if kind == "json":
        return json.dumps(value, ensure_ascii=False)
    if kind == "boolean":
        return "true" if value else "false"
    return str(value)


def _value(text: str, kind: str):
    if kind == "integer":
        try:
            return int(text)
        except ValueError:
            raise ValueError(_("Enter a whole number.")) from None
    if kind == "number":
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            raise ValueError(_("Enter a number.")) from None
        return int(number) if number.is_integer() else number
    if kind == "boolean":
        return text == "true"
    if kind == "lines":
        return [line.strip() for line in text.splitlines() if line.strip()]
    if kind == "json":
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            raise ValueError(_("Enter valid JSON.")) from None
    return text
