"""The open data room's rows as CKAN's dictionaries, shaped as CKAN 2.10/2.11's action API
returns them, so that CKAN clients and harvesters (ckanapi, ckanext-harvest, ckanext-dcat)
read the catalogue unchanged. Texts are given in one language (``title``) and in all of
them the way ckanext-fluent does (``title_translated``: language -> text).

Pure: rows, the language and the request (for absolute addresses) in, dicts out; and
back, a package dictionary of package_create/update as the services' fields. Agencies
and themes have no uuid; their CKAN name (the agency's code in lower case, the EU theme
code in lower case) is their id too, as on CKAN sites that keep names stable."""

import json
import uuid
from datetime import UTC, date
from types import SimpleNamespace
from urllib.parse import urlparse

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from yagona.core.countries import active_pack
from yagona.core.text import localized
from yagona.opendata.vocabulary import (
    DEFAULT_LICENCE,
    FORMATS,
    LICENCES,
    THEMES,
    frequency_uri,
)

STATES = {"published": "active", "draft": "draft", "withdrawn": "deleted"}


def ckan_time(moment) -> str | None:
    """CKAN's timestamps: UTC without an offset ("2024-01-02T03:04:05.123456")."""
    if moment is None:
        return None
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat()


def _absolute(request, route: str, **kwargs) -> str:
    return request.build_absolute_uri(reverse(route, kwargs=kwargs))


def _translated(label) -> dict:
    """A gettext_lazy label in each of the pack's languages."""
    out = {}
    for language in active_pack().languages:
        with translation.override(language):
            out[language] = str(label)
    return out


def organization(agency, language: str, package_count: int | None = None) -> dict:
    name = agency.code.lower()
    title = localized(agency.name, language)
    found = {"id": name, "name": name, "title": title, "display_name": title,
             "title_translated": dict(agency.name), "description": "", "image_url": "",
             "image_display_url": "", "type": "organization", "is_organization": True,
             "state": "active", "approval_status": "approved", "created": None}
    if package_count is not None:
        found["package_count"] = package_count
    return found


def group(code: str, language: str, package_count: int | None = None) -> dict:
    """A theme of the EU's data themes vocabulary as a CKAN group."""
    name = code.lower()
    with translation.override(language):
        title = str(THEMES[code])
    found = {"id": name, "name": name, "title": title, "display_name": title,
             "title_translated": _translated(THEMES[code]), "description": "",
             "image_url": "", "image_display_url": "", "type": "group",
             "is_organization": False, "state": "active", "approval_status": "approved"}
    if package_count is not None:
        found["package_count"] = package_count
    return found


def tag(name: str) -> dict:
    """Tags have no row of their own; a name-derived uuid keeps their id stable."""
    return {"id": str(uuid.uuid5(uuid.NAMESPACE_URL, "yagona-tag:" + name)), "name": name,
            "display_name": name, "state": "active", "vocabulary_id": None}


def licence(code: str) -> tuple[str, str]:
    return LICENCES.get(code, (code, ""))


def resource(row, dataset, language: str, request, version: int | None = None) -> dict:
    """A file is downloaded from the portal (the version's copy for an old version); a
    link is given as it is."""
    stored = row.stored
    if stored is None:
        url = row.url
    elif version is None:
        url = _absolute(request, "portal:data-download", name=dataset.name,
                        resource=str(row.uuid))
    else:
        url = _absolute(request, "portal:data-version-download", name=dataset.name,
                        number=version, resource=str(row.uuid))
    media = stored.media_type if stored else getattr(FORMATS.get(row.format), "media_type", None)
    return {
        "id": str(row.uuid), "package_id": str(dataset.uuid),
        "name": localized(row.name, language), "name_translated": dict(row.name),
        "description": localized(row.description, language),
        "description_translated": dict(row.description),
        "format": row.format, "url": url, "mimetype": media, "mimetype_inner": None,
        "size": stored.size if stored else None,
        "hash": f"sha256:{stored.sha256}" if stored else "",
        "created": ckan_time(row.created_at), "last_modified": ckan_time(row.modified_at),
        "metadata_modified": ckan_time(row.modified_at), "position": row.position,
        "state": "active", "url_type": "upload" if stored else None,
        "resource_type": None, "cache_url": None, "cache_last_updated": None,
        "datastore_active": False,
    }


def _extras(dataset, language: str) -> list[dict]:
    values = {
        "frequency": frequency_uri(dataset.frequency) if dataset.frequency else "",
        "temporal_start": dataset.temporal_start.isoformat() if dataset.temporal_start else "",
        "temporal_end": dataset.temporal_end.isoformat() if dataset.temporal_end else "",
        "spatial_text": localized(dataset.spatial, language),
        "language": ",".join(lang for lang in active_pack().languages if lang in dataset.title),
    }
    return [{"key": key, "value": value} for key, value in values.items() if value]


def package(dataset, resources, language: str, request, version: int | None = None) -> dict:
    """A dataset with its resources; ``version`` when it is an old version's snapshot."""
    title = localized(dataset.title, language)
    order = {lang: n for n, lang in enumerate(active_pack().languages)}
    tags = list(dict.fromkeys(word for lang in sorted(dataset.keywords, key=lambda lang: (
        order.get(lang, len(order)), lang)) for word in dataset.keywords[lang]))
    licence_title, licence_url = licence(dataset.licence)
    org = organization(dataset.agency, language)
    return {
        "id": str(dataset.uuid), "name": dataset.name, "title": title,
        "title_translated": dict(dataset.title),
        "notes": localized(dataset.description, language),
        "notes_translated": dict(dataset.description),
        "url": _absolute(request, "portal:dataset", name=dataset.name),
        "version": str(dataset.version), "state": STATES.get(dataset.state, dataset.state),
        "private": False, "type": "dataset", "isopen": dataset.licence in LICENCES,
        "license_id": dataset.licence, "license_title": licence_title,
        "license_url": licence_url,
        "metadata_created": ckan_time(dataset.published_at or dataset.created_at),
        "metadata_modified": ckan_time(dataset.modified_at),
        "organization": org, "owner_org": org["id"], "creator_user_id": None,
        "author": org["title"], "author_email": None,
        "maintainer": org["title"], "maintainer_email": dataset.contact_email or None,
        "tags": [tag(name) for name in tags], "num_tags": len(tags),
        "groups": [group(code, language) for code in dataset.themes if code in THEMES],
        "resources": [resource(row, dataset, language, request, version)
                      for row in resources],
        "num_resources": len(resources),
        "extras": _extras(dataset, language),
        "relationships_as_subject": [], "relationships_as_object": [],
    }


def _day(value):
    return date.fromisoformat(value) if value else None


def version_package(row, language: str, request) -> dict:
    """The package as one of its versions published it (CKAN's activity data), from the
    version's snapshot: its texts, vocabulary and resources with their files' hashes."""
    dataset, snap = row.dataset, row.snapshot
    media = {code: fmt.media_type for code, fmt in FORMATS.items()}
    resources = [SimpleNamespace(
        uuid=item["uuid"], name=item["name"], description=item.get("description") or {},
        format=item["format"], url=item.get("url") or "", position=position,
        created_at=None, modified_at=row.published_at,
        stored=SimpleNamespace(sha256=item["sha256"], size=item.get("size"),
                               media_type=media.get(item["format"]))
        if item.get("sha256") else None) for position, item in enumerate(snap["resources"])]
    shown = SimpleNamespace(
        uuid=dataset.uuid, name=dataset.name, agency=dataset.agency, state=dataset.state,
        version=row.number, published_at=dataset.published_at, created_at=dataset.created_at,
        modified_at=row.published_at, title=snap["title"], description=snap["description"],
        keywords=snap["keywords"], themes=snap["themes"], licence=snap["licence"],
        frequency=snap["frequency"], temporal_start=_day(snap["temporal_start"]),
        temporal_end=_day(snap["temporal_end"]), spatial=snap["spatial"],
        contact_email=snap["contact_email"])
    return package(shown, resources, language, request, version=row.number)


def activity(row, language: str, request) -> dict:
    """A published version as CKAN's activity. Who published it is the agency: a person's
    account name here is their national ID, which the public does not get."""
    dataset = row.dataset
    return {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"yagona-version:{dataset.uuid}/{row.number}")),
        "timestamp": ckan_time(row.published_at), "user_id": dataset.agency.code.lower(),
        "object_id": str(dataset.uuid),
        "activity_type": "new package" if row.number == 1 else "changed package",
        "data": {"package": version_package(row, language, request)},
    }


# --- from CKAN: a call's parameters; package_create/update's dictionary as the services' fields

# The services' field names -> CKAN's, for the errors they raise.
CKAN_FIELDS = {"description": "notes", "keywords": "tags", "themes": "groups",
               "licence": "license_id", "spatial": "spatial_text",
               "contact_email": "maintainer_email", "__all__": "message"}
RESOURCE_FIELDS = {"resource_name": "name", "resource_description": "description",
                   "file": "url", "__all__": "message"}
EXTRAS = ("frequency", "temporal_start", "temporal_end", "spatial_text")
FREQUENCY_PREFIX = frequency_uri("")


def _plain(value, key: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValidationError({key: _("Must be a string")})
    return str(value).strip()


def text(data: dict, key: str, default: str = "") -> str:
    """A parameter of a call as text (CKAN takes numbers for strings too)."""
    return _plain(data.get(key), key) or default


def required(data: dict, key: str, *aliases: str) -> str:
    for name in (key, *aliases):
        if value := text(data, name):
            return value
    raise ValidationError({key: _("Missing value")})


def integer(data: dict, key: str, default: int, maximum: int | None = None,
            minimum: int = 0) -> int:
    """A natural number; over ``maximum`` is cut to it, as CKAN does with rows."""
    value = data.get(key)
    if value in ("", None):
        return default
    try:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ValueError
        number = int(value)
    except ValueError:
        raise ValidationError({key: _("Invalid integer")}) from None
    if number < minimum:
        raise ValidationError({key: _("Must be a natural number")})
    return number if maximum is None else min(number, maximum)


def boolean(data: dict, key: str, default: bool) -> bool:
    value = data.get(key, default)
    word = str(value).strip().lower() if isinstance(value, str | int) else "?"
    if word in ("true", "1", "yes", "on"):
        return True
    if word in ("false", "0", "no", "off", ""):
        return False
    raise ValidationError({key: _("Value must be one of: true, false")})


def names(data: dict, key: str) -> list[str]:
    """A list given as JSON (facet.field='["tags"]'), as a list, or one name."""
    value = data.get(key)
    if value in (None, ""):
        return []
    if isinstance(value, str) and value.lstrip().startswith("["):
        try:
            value = json.loads(value)
        except ValueError:
            value = None
    value = [value] if isinstance(value, str) else value
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError({key: _("Must be a JSON list")})
    return value


def _names(value, key: str) -> list[str]:
    """Tags and groups: [{"name": ...}] as CKAN gives them, plain names, or "a,b"."""
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list):
        raise ValidationError({key: _("Must be a list")})
    found = [_plain(item.get("name") if isinstance(item, dict) else item, key)
             for item in value]
    return list(dict.fromkeys(name for name in found if name))


def _texts(data: dict, key: str, language: str) -> dict:
    """``key_translated`` (language -> text), with ``key`` as the text in the language of
    the call where it is none of those texts (a client edited the title of package_show);
    a text package_show gave in any language (one shown for want of a translation too)
    is not taken for a new one."""
    translated = data.get(f"{key}_translated")
    if translated is not None and not isinstance(translated, dict):
        raise ValidationError({f"{key}_translated": _("Must be a mapping of language to text")})
    texts = {str(lang): _plain(value, f"{key}_translated")
             for lang, value in (translated or {}).items()}
    plain = _plain(data.get(key), key)
    if plain and plain not in texts.values():
        texts[language] = plain
    return {lang: value for lang, value in texts.items() if value}


def _extras_given(data: dict) -> dict:
    extras = data.get("extras") or []
    if not isinstance(extras, list) or not all(isinstance(item, dict) for item in extras):
        raise ValidationError({"extras": _("Give extras as a list of {key, value}.")})
    found = {str(item.get("key")): item.get("value") for item in extras}
    found.update({key: data[key] for key in EXTRAS if key in data})  # top level (scheming)
    return found


def fields_from(data: dict, language: str, dataset=None) -> dict:
    """The metadata of a CKAN package dictionary, every field (CKAN's package_update
    replaces the metadata). A tag the dataset already has stays in its language, new ones
    are the state language's; spatial_text is the call's language's."""
    extras, first = _extras_given(data), active_pack().languages[0]
    tags = _names(data.get("tags"), "tags")
    keywords = {lang: [word for word in words if word in tags]
                for lang, words in (dataset.keywords if dataset else {}).items()}
    placed = {word for words in keywords.values() for word in words}
    keywords[first] = keywords.get(first, []) + [tag for tag in tags if tag not in placed]
    frequency = _plain(extras.get("frequency"), "frequency")
    spatial, held = _plain(extras.get("spatial_text"), "spatial_text"), (
        dataset.spatial if dataset else {})
    fields = {
        "title": _texts(data, "title", language),
        "description": _texts(data, "notes", language),
        "keywords": {lang: words for lang, words in keywords.items() if words},
        "themes": [name.upper() for name in _names(data.get("groups"), "groups")],
        "licence": _plain(data.get("license_id"), "license_id") or DEFAULT_LICENCE,
        "frequency": frequency.removeprefix(FREQUENCY_PREFIX).upper(),
        "temporal_start": _plain(extras.get("temporal_start"), "temporal_start") or None,
        "temporal_end": _plain(extras.get("temporal_end"), "temporal_end") or None,
        "spatial": held if spatial == localized(held, language) else (
            {**held, language: spatial} if spatial else {}),
    }
    email = _plain(data.get("maintainer_email"), "maintainer_email")
    if email:
        fields["contact_email"] = email
    return fields


def changed_fields(dataset, fields: dict) -> dict:
    """The fields that differ from the dataset's: a harvester sending the same package
    again makes no new version."""
    def same(key, value):
        current = getattr(dataset, key)
        if key in ("temporal_start", "temporal_end"):
            return (current.isoformat() if current else None) == (value[:10] if value else None)
        if key == "themes":
            return current == [code for code in THEMES if code in value]
        return current == value

    return {key: value for key, value in fields.items() if not same(key, value)}


def resource_from(item, language: str) -> dict:
    """A new resource of a package dictionary as add_resource's arguments: a link."""
    if item.get("upload") or item.get("url_type") == "upload":
        raise ValidationError({"upload": _("Files are uploaded in the back office; give a "
                                           "link here.")})
    url = _plain(item.get("url"), "url")
    kind = _plain(item.get("format"), "format").upper()
    if "/" in kind:  # a media type
        kind = next((code for code, fmt in FORMATS.items() if fmt.media_type == kind.lower()),
                    kind)
    if not kind:
        extension = urlparse(url).path.rsplit(".", 1)[-1].upper()
        kind = extension if extension in FORMATS else ""
    file_name = url.rsplit("/", 1)[-1][:200] or url  # in no language: the state's
    names = _texts(item, "name", language) or {active_pack().languages[0]: file_name}
    return {"title": names, "file_format": kind, "url": url,
            "description": _texts(item, "description", language)}


FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")  # a call as a form


def _mixed(query) -> dict:
    return {key: values[0] if len(values) == 1 else values for key, values in query.lists()}


def request_data(request, reads: bool) -> dict:
    """CKAN's reading of a call: GET parameters (reads only), a form, or a JSON object."""
    if request.method != "POST" and not (reads and request.method == "GET"):
        raise ValueError("Invalid request. Please use POST method for your request")
    if request.method == "GET":
        return _mixed(request.GET)
    if request.content_type in FORMS:
        if request.FILES:
            raise ValueError("Files are uploaded in the back office, not here")
        return _mixed(request.POST)
    if not request.body.strip():
        return {}
    try:
        data = json.loads(request.body)
    except (ValueError, RecursionError) as error:
        raise ValueError(f"Error decoding JSON data. Error: {error}") from None
    if not isinstance(data, dict):
        raise ValueError(f"Request data JSON decoded to {type(data).__name__} but it needs "
                         "to be a dictionary.")
    return data
