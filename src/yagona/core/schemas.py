"""Checking the JSON Schemas packs hold (forms, registries): every problem, each with its
JSON path, so that a pack author finds the place without reading a traceback."""

from jsonschema import Draft202012Validator

_META = Draft202012Validator(Draft202012Validator.META_SCHEMA)
# Keywords whose value is a schema, a list of schemas, or a name -> schema mapping.
_ONE = ("not", "if", "then", "else", "items", "contains", "additionalProperties",
        "propertyNames", "unevaluatedItems", "unevaluatedProperties")
_MANY = ("allOf", "anyOf", "oneOf", "prefixItems")
_NAMED = ("properties", "patternProperties", "$defs", "dependentSchemas")


def schema_problems(schema, where: str) -> list[str]:
    """Metaschema errors and ``required`` names that no ``properties`` declares."""
    found = [f"{where}: {error.json_path}: {error.message}"
             for error in sorted(_META.iter_errors(schema), key=lambda e: e.json_path)]
    if not found:
        _required(schema, "$", None, where, found)
    return found


def _required(schema, path: str, outer: set | None, where: str, found: list[str]) -> None:
    """``required`` must name declared properties: the schema's own, or, in a subschema
    without ``properties`` (an ``if``/``then`` or ``allOf`` branch), the object's."""
    if not isinstance(schema, dict):
        return
    own = schema.get("properties")
    names = set(own) if isinstance(own, dict) else outer
    if names is not None and schema.get("additionalProperties") is not True:
        for name in schema.get("required") or []:
            if name not in names:
                found.append(f"{where}: {path}.required: {name!r} is not a property")
    for key in _ONE:
        if isinstance(schema.get(key), dict):
            _required(schema[key], f"{path}.{key}", names if key in (
                "if", "then", "else", "not") else None, where, found)
    for key in _MANY:
        for index, sub in enumerate(schema.get(key) or []):
            _required(sub, f"{path}.{key}[{index}]", names, where, found)
    for key in _NAMED:
        for name, sub in (schema.get(key) or {}).items():
            _required(sub, f"{path}.{key}.{name}", None, where, found)
