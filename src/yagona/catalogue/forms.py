"""A service's form as data: JSON Schema for the answers, UI hints for pages and labels.

The schema is the single truth about what an answer may be (conditional
questions are standard ``if``/``then``); the UI hints only decide how the
questions are grouped, labelled and shown. See docs/country-packs.md.
"""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator, FormatChecker

from yagona.core.countries import active_pack, check_texts
from yagona.core.display import format_date
from yagona.core.schemas import schema_problems
from yagona.core.text import localized

WIDGETS = {"text", "textarea", "date", "number", "email", "tel", "radios", "select", "yesno",
           "checkbox", "file"}


@dataclass(frozen=True)
class Field:
    name: str
    schema: dict
    ui: dict

    @property
    def label(self) -> str:
        return localized(self.ui.get("label"))

    @property
    def hint(self) -> str:
        return localized(self.ui.get("hint"))

    @property
    def widget(self) -> str:
        if "widget" in self.ui:
            return self.ui["widget"]
        if "x-attachment" in self.schema:
            return "file"
        if self.schema.get("format") == "date":
            return "date"
        if "enum" in self.schema:
            return "radios"
        return {"integer": "number", "boolean": "yesno"}.get(self.schema.get("type"), "text")

    @property
    def is_file(self) -> bool:
        return "x-attachment" in self.schema

    @property
    def prefill(self) -> dict | None:
        """Where the state already holds the answer (once-only): ``{registry, field}`` of
        the applicant's record, read through the applying agency's exchange node."""
        return self.ui.get("prefill")

    @property
    def attachment_rules(self) -> dict:
        return self.schema.get("x-attachment", {})

    def options(self) -> list[tuple[str, str]]:
        labels = self.ui.get("options", {})
        return [(str(value), localized(labels.get(str(value))) or str(value))
                for value in self.schema.get("enum", [])]

    def display(self, value) -> str:
        """An answer as the applicant reads it on the check-your-answers page."""
        if value is None or value == "":
            return ""
        if self.widget in ("radios", "select"):
            return dict(self.options()).get(str(value), str(value))
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if self.schema.get("format") == "date":
            return format_date(value)  # the pack's date format, as everywhere else
        return str(value)

    def coerce(self, raw: str):
        """Turn a posted string into the JSON value the schema expects (None if empty)."""
        raw = (raw or "").strip()
        if raw == "":
            return None
        kind = self.schema.get("type")
        if kind == "integer":
            try:
                return int(raw)
            except ValueError:
                return raw  # the schema reports the wrong type
        if kind == "boolean":
            return {"yes": True, "true": True, "on": True, "no": False, "false": False}.get(
                raw.lower(), raw)
        return raw


@dataclass(frozen=True)
class Page:
    id: str
    title: dict
    fields: tuple[Field, ...]

    @property
    def display_title(self) -> str:
        return localized(self.title)


class FormDefinition:
    def __init__(self, form: dict):
        self.schema = form.get("schema") or {"type": "object", "properties": {}}
        self.ui = form.get("ui") or {}
        properties = self.schema.get("properties", {})
        ui_fields = self.ui.get("fields", {})
        self.fields = {name: Field(name, spec, ui_fields.get(name, {}))
                       for name, spec in properties.items()}
        self.pages = [
            Page(page["id"], page.get("title", {}),
                 tuple(self.fields[name] for name in page.get("fields", []) if name in self.fields))
            for page in self.ui.get("pages", [])
        ]
        if not self.pages and self.fields:
            self.pages = [Page("answers", {}, tuple(self.fields.values()))]

    # --- reading -----------------------------------------------------------
    def page(self, page_id: str) -> Page | None:
        return next((page for page in self.pages if page.id == page_id), None)

    def next_page(self, page_id: str, answers: dict) -> Page | None:
        ids = [page.id for page in self.pages]
        for page in self.pages[ids.index(page_id) + 1:]:
            if self.visible_fields(page, answers):
                return page
        return None

    def previous_page(self, page_id: str, answers: dict) -> Page | None:
        ids = [page.id for page in self.pages]
        for page in reversed(self.pages[: ids.index(page_id)]):
            if self.visible_fields(page, answers):
                return page
        return None

    def is_visible(self, field: Field, answers: dict) -> bool:
        condition = field.ui.get("show_if") or {}
        return all(answers.get(name) == value for name, value in condition.items())

    def visible_fields(self, page: Page, answers: dict) -> list[Field]:
        return [field for field in page.fields if self.is_visible(field, answers)]

    def rendered_fields(self, page: Page, answers: dict) -> list[Field]:
        """Fields to render: the visible ones, plus those that depend only on questions of
        the same page (revealed by the answer on the same page, so they work without JS)."""
        names = {field.name for field in page.fields}
        return [field for field in page.fields if self.is_visible(field, answers)
                or set(field.ui.get("show_if") or {}) <= names]

    def clean(self, answers: dict) -> dict:
        """Drop answers to questions that are hidden and empty answers."""
        cleaned = {}
        for page in self.pages:
            for field in page.fields:
                value = answers.get(field.name)
                if value is not None and value != "" and self.is_visible(field, cleaned):
                    cleaned[field.name] = value
        return cleaned

    # --- validation --------------------------------------------------------
    def errors(self, answers: dict, only: list[str] | None = None) -> dict[str, str]:
        """Errors by field name, with messages for people. ``only`` limits to some fields."""
        validator = Draft202012Validator(self.schema, format_checker=FormatChecker())
        errors: dict[str, str] = {}
        for error in validator.iter_errors(answers):
            for name, message in self._explain(error, answers):
                errors.setdefault(name, message)
        for name, field in self.fields.items():
            if name not in answers or name in errors:
                continue
            message = self._extra_rule(field, answers[name])
            if message:
                errors[name] = message
        if only is not None:
            errors = {name: msg for name, msg in errors.items() if name in only}
        return errors

    def unknown_fields(self, answers: dict) -> list[str]:
        return sorted(set(answers) - set(self.fields))

    def _explain(self, error, answers):
        if error.validator == "required":
            for name in error.validator_value:
                if name not in (error.instance or {}):
                    yield name, _("Answer this question.")
            return
        if error.validator == "additionalProperties":
            return  # reported by unknown_fields(): a tampered post, not a user mistake
        if not error.absolute_path:
            return
        name = str(error.absolute_path[0])
        field = self.fields.get(name)
        schema = error.schema if isinstance(error.schema, dict) else {}
        messages = {
            "minLength": _("Enter at least %(n)s characters.") % {"n": schema.get("minLength")},
            "maxLength": _("Enter at most %(n)s characters.") % {"n": schema.get("maxLength")},
            "minimum": _("Enter a number of at least %(n)s.") % {"n": schema.get("minimum")},
            "maximum": _("Enter a number of at most %(n)s.") % {"n": schema.get("maximum")},
            "enum": _("Select one of the options."),
            "const": _("You must confirm this to continue."),
            "pattern": _("Enter the value in the format shown."),
            "format": _("Enter a real date.") if schema.get("format") == "date"
            else _("Enter a valid value."),
        }
        if error.validator == "type":
            wanted = schema.get("type")
            message = (_("Enter a whole number.") if wanted == "integer"
                       else _("Select yes or no.") if wanted == "boolean"
                       else _("Enter a valid value."))
        else:
            message = messages.get(error.validator, _("Enter a valid value."))
        if field is not None:
            yield name, message

    def _extra_rule(self, field: Field, value) -> str | None:
        schema = field.schema
        if schema.get("format") == "date" and isinstance(value, str):
            try:
                day = date.fromisoformat(value)
            except ValueError:
                return _("Enter a real date.")
            today = timezone.localdate()
            if schema.get("x-past") and day > today:
                return _("The date must be today or in the past.")
            if schema.get("x-future") and day <= today:
                return _("The date must be in the future.")
        if schema.get("x-person-id") and isinstance(value, str) \
                and not active_pack().person_id.is_valid(value):
            return _("Enter a valid personal identification number.")
        if schema.get("x-business-id") and isinstance(value, str) \
                and not active_pack().business_id.is_valid(value):
            return _("Enter a valid business identification number.")
        return None

    # --- checking a pack ---------------------------------------------------
    def problems(self, languages, where: str) -> list[str]:
        problems: list[str] = []
        problems.extend(schema_problems(self.schema, f"{where}: form.schema"))
        if self.schema.get("additionalProperties") is not False:
            problems.append(f"{where}: form.schema: additionalProperties must be false")
        seen: dict[str, str] = {}
        for page in self.ui.get("pages", []):
            check_texts(page.get("title"), languages, f"{where}: page {page.get('id')}.title",
                        problems)
            for name in page.get("fields", []):
                if name not in self.fields:
                    problems.append(f"{where}: page {page.get('id')}: unknown field {name!r}")
                elif name in seen:
                    problems.append(f"{where}: field {name!r} is on two pages")
                else:
                    for needed in (self.fields[name].ui.get("show_if") or {}):
                        if needed not in seen:
                            problems.append(f"{where}: field {name!r}: show_if names {needed!r}, "
                                            "which is not asked before it")
                    seen[name] = page.get("id")
        for name, field in self.fields.items():
            if name not in seen:
                problems.append(f"{where}: field {name!r} is on no page")
            check_texts(field.ui.get("label"), languages, f"{where}: field {name}.label", problems)
            if field.ui.get("hint"):
                check_texts(field.ui["hint"], languages, f"{where}: field {name}.hint", problems)
            if field.widget not in WIDGETS:
                problems.append(f"{where}: field {name!r}: unknown widget {field.widget!r}")
            prefill = field.prefill
            if prefill is not None and not (isinstance(prefill, dict) and set(prefill) == {
                    "registry", "field"} and all(isinstance(v, str) for v in prefill.values())):
                problems.append(f"{where}: field {name!r}: prefill is {{registry, field}}")
            for value in field.schema.get("enum", []):
                check_texts((field.ui.get("options") or {}).get(str(value)), languages,
                            f"{where}: field {name}.options.{value}", problems)
        return problems
