"""A pack's appeals data (``appeals.yaml``): the kinds of appeal the law knows with their
deadlines (days or working days, how far a supervisor may extend them), whether a kind
may be anonymous or needs a place on the map, the platform's reception that routes
appeals whose sender does not know the competent body (and in how many days), the
superior bodies that hear complaints about an answer, and the categories of problem
reports (Open311's services) with the agency responsible for each. Checked here with the
rest of the pack; loaded by the appeals room."""

from pathlib import Path

from jsonschema import Draft202012Validator

from yagona.core.countries import check_texts, read_yaml
from yagona.core.pack_correspondence import TOKEN, number_format_problems

FILE = "appeals.yaml"

_CODE = {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,31}$"}
_AGENCY = {"type": "string", "pattern": "^[A-Z0-9_]{1,16}$"}
_DAYS = {"type": "integer", "minimum": 1, "maximum": 90}
_DEADLINE = {
    "type": "object", "additionalProperties": False, "required": ["days"],
    "properties": {
        "days": _DAYS,
        "working_days": {"type": "boolean"},
        # The longest extension a supervisor may grant, in the same unit; 0: none.
        "extension": {"type": "integer", "minimum": 0, "maximum": 90},
    },
}
_ATTRIBUTE = {  # a question of a problem category (Open311's service definition)
    "type": "object", "additionalProperties": False, "required": ["code", "name", "type"],
    "properties": {
        "code": _CODE, "name": {"type": "object"},
        "type": {"enum": ["string", "number", "text", "singlevaluelist"]},
        "required": {"type": "boolean"},
        "values": {"type": "array", "items": {
            "type": "object", "additionalProperties": False, "required": ["key", "name"],
            "properties": {"key": _CODE, "name": {"type": "object"}}}},
    },
}
SCHEMA = {
    "type": "object", "additionalProperties": False,
    "required": ["reception", "kinds"],
    "properties": {
        "number": {"type": "string"},  # as a journal's: {seq} and {yyyy} or {yy}
        "complaint_kind": _CODE,  # the kind a complaint about an answer is sent as
        "reception": {
            "type": "object", "additionalProperties": False,
            "required": ["agency", "forward_days"],
            "properties": {"agency": _AGENCY, "forward_days": _DAYS,
                           "working_days": {"type": "boolean"}},
        },
        "superiors": {"type": "object", "propertyNames": _AGENCY,
                      "additionalProperties": _AGENCY},
        "kinds": {"type": "array", "minItems": 1, "items": {
            "type": "object", "additionalProperties": False,
            "required": ["code", "name", "deadline"],
            "properties": {
                "code": _CODE, "name": {"type": "object"}, "hint": {"type": "object"},
                "deadline": _DEADLINE,
                "anonymous": {"type": "boolean"},  # may be sent without a name
                "location": {"enum": ["none", "optional", "required"]},
                "photos": {"type": "integer", "minimum": 0, "maximum": 10},
            },
        }},
        "categories": {"type": "array", "items": {
            "type": "object", "additionalProperties": False,
            "required": ["code", "name", "agency", "kind"],
            "properties": {
                "code": _CODE, "name": {"type": "object"}, "description": {"type": "object"},
                "agency": _AGENCY, "kind": _CODE, "keywords": {"type": "array"},
                "attributes": {"type": "array", "items": _ATTRIBUTE},
            },
        }},
        # The area the public map draws: [west, south, east, north] in degrees.
        "map": {"type": "object", "additionalProperties": False, "required": ["bounds"],
                "properties": {"bounds": {"type": "array", "minItems": 4, "maxItems": 4,
                                          "items": {"type": "number"}}}},
    },
}
_VALIDATOR = Draft202012Validator(SCHEMA)


def read(folder: Path) -> dict | None:
    """The pack's appeals.yaml as read, or None when the pack has none."""
    path = Path(folder) / FILE
    return read_yaml(path) if path.exists() else None


def appeals_problems(data, languages, agency_codes: set[str], where: str = FILE
                     ) -> list[str]:
    """Everything wrong with a pack's appeals.yaml (``data`` as read), each problem
    naming its place."""
    if data is None:
        return []
    problems = [f"{where}: {'.'.join(map(str, error.absolute_path)) or '(top)'}: "
                f"{error.message}" for error in _VALIDATOR.iter_errors(data)]
    if problems:
        return problems
    number = data.get("number", "{seq}/{yy}")
    problems += [f"{where}: number: {problem}" for problem in number_format_problems(number)]
    if {match[1] for match in TOKEN.finditer(number)} - {"seq", "yyyy", "yy"}:
        problems.append(f"{where}: number: one series for the whole platform: only {{seq}} "
                        "and the year")
    agencies = [("reception.agency", data["reception"]["agency"])]
    agencies += [(f"superiors.{code}", code) for code in data.get("superiors") or {}]
    agencies += [(f"superiors.{code}", up) for code, up in (data.get("superiors") or {}
                                                             ).items()]
    kinds = set()
    for index, kind in enumerate(data["kinds"]):
        at = f"{where}: kinds[{index}]"
        if kind["code"] in kinds:
            problems.append(f"{at}.code: {kind['code']!r} is used twice")
        kinds.add(kind["code"])
        check_texts(kind["name"], languages, f"{at}.name", problems)
        if "hint" in kind:
            check_texts(kind["hint"], languages, f"{at}.hint", problems)
    if data.get("complaint_kind", kind["code"]) not in kinds:
        problems.append(f"{where}: complaint_kind: {data['complaint_kind']!r} is not a kind")
    categories = set()
    for index, category in enumerate(data.get("categories") or []):
        at = f"{where}: categories[{index}]"
        if category["code"] in categories:
            problems.append(f"{at}.code: {category['code']!r} is used twice")
        categories.add(category["code"])
        check_texts(category["name"], languages, f"{at}.name", problems)
        if "description" in category:
            check_texts(category["description"], languages, f"{at}.description", problems)
        if category["kind"] not in kinds:
            problems.append(f"{at}.kind: {category['kind']!r} is not a kind of appeals.yaml")
        agencies.append((f"categories[{index}].agency", category["agency"]))
        for number, attribute in enumerate(category.get("attributes") or []):
            here = f"{at}.attributes[{number}]"
            check_texts(attribute["name"], languages, f"{here}.name", problems)
            for value in attribute.get("values") or []:
                check_texts(value["name"], languages, f"{here}.values.{value['key']}",
                            problems)
            if (attribute["type"] == "singlevaluelist") != bool(attribute.get("values")):
                problems.append(f"{here}: values are given for a singlevaluelist, and only "
                                "for one")
    problems += [f"{where}: {place}: no agency {code!r} in agencies.yaml"
                 for place, code in agencies if code not in agency_codes]
    bounds = (data.get("map") or {}).get("bounds")
    if bounds and not (-180 <= bounds[0] < bounds[2] <= 180
                       and -90 <= bounds[1] < bounds[3] <= 90):
        problems.append(f"{where}: map.bounds: [west, south, east, north] in degrees, west "
                        "before east and south before north")
    return problems
