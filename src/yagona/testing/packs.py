"""A minimal country pack written to a folder: proof that a country is data only."""

from pathlib import Path

import yaml

T = lambda en, ru=None: {"en": en, "ru": ru or f"{en} (ru)"}  # noqa: E731

PACK = {
    "code": "xx",
    "name": T("Testland", "Тестландия"),
    "languages": ["en", "ru"],
    "currency": "XTS",
    "currency_minor_units": 2,
    "time_zone": "Asia/Dushanbe",
    "person_id": {"label": T("Personal number"), "pattern": "^[0-9]{8}$",
                  "checksum": {"algorithm": "luhn"}, "example": "12345674"},
    "business_id": {"label": T("Business number"), "pattern": "^[0-9]{9}$",
                    "checksum": {"algorithm": "mod11", "weights": [9, 8, 7, 6, 5, 4, 3, 2]},
                    "example": "123456782"},
    "calendar": {"weekend": [6, 7], "holidays": [
        {"date": "2026-01-01", "name": T("New Year")},
        {"date": "2027-01-01", "name": T("New Year")},
    ]},
}
AGENCIES = [
    {"code": "REG", "name": T("Civil Registry", "Служба регистрации"),
     "short_name": T("Registry"), "website": "https://registry.example", "email": "r@example.org",
     "head": {"name": T("A. Head"), "title": T("Director")}},
    {"code": "TAX", "name": T("Tax Service", "Налоговая служба"), "short_name": T("Tax")},
]
LIFE_EVENTS = [{"code": "birth", "name": T("Birth of a child", "Рождение ребёнка"),
                "description": T("Registering a newborn")},
               {"code": "tax", "name": T("Taxes", "Налоги")}]
BIRTH = {
    "code": "birth-registration", "agency": "REG", "life_events": ["birth"], "online": True,
    "applicant_kinds": ["person"],
    "name": {"en": "Registration of a child's birth", "ru": "Регистрация рождения ребёнка"},
    "summary": T("Register a newborn and get the birth certificate"),
    "description": T("The civil registry registers the birth.\n\nThe certificate is issued."),
    "who_may_apply": T("Either parent"), "documents": [T("Medical birth certificate")],
    "fee_minor": 1500, "processing_days": 3, "legal_basis": T("Civil Registry Act"),
    "offline": T("At any civil registry office"),
    "form": {
        "schema": {
            "type": "object", "additionalProperties": False,
            "required": ["child_name", "birth_date", "sex", "hospital_birth"],
            "properties": {
                "child_name": {"type": "string", "minLength": 2, "maxLength": 200},
                "birth_date": {"type": "string", "format": "date", "x-past": True},
                "sex": {"type": "string", "enum": ["m", "f"]},
                "mother_id": {"type": "string", "x-person-id": True},
                "hospital_birth": {"type": "boolean"},
                "hospital_name": {"type": "string", "minLength": 2, "maxLength": 200},
                "certificate": {"type": "string", "x-attachment": {
                    "accept": ["application/pdf", "image/jpeg", "image/png"],
                    "max_bytes": 1024 * 1024}},
            },
            "allOf": [{"if": {"properties": {"hospital_birth": {"const": True}},
                              "required": ["hospital_birth"]},
                       "then": {"required": ["hospital_name"]}}],
        },
        "ui": {
            "pages": [
                {"id": "child", "title": T("About the child"),
                 "fields": ["child_name", "birth_date", "sex", "mother_id"]},
                {"id": "place", "title": T("Place of birth"),
                 "fields": ["hospital_birth", "hospital_name"]},
                {"id": "documents", "title": T("Documents"), "fields": ["certificate"]},
            ],
            "fields": {
                "child_name": {"label": T("Child's full name")},
                "birth_date": {"label": T("Date of birth"), "widget": "date"},
                "sex": {"label": T("Sex"), "widget": "radios",
                        "options": {"m": T("Boy"), "f": T("Girl")}},
                "mother_id": {"label": T("Mother's personal number")},
                "hospital_birth": {"label": T("Born in a hospital?"), "widget": "yesno"},
                "hospital_name": {"label": T("Hospital"), "show_if": {"hospital_birth": True}},
                "certificate": {"label": T("Medical certificate"), "widget": "file"},
            },
        },
    },
}
TAX_CERTIFICATE = {
    "code": "tax-clearance", "agency": "TAX", "life_events": ["tax"], "online": True,
    "applicant_kinds": ["person", "organisation"],
    "name": {"en": "Tax clearance certificate",
             "ru": "Справка об отсутствии налоговой задолженности"},
    "summary": T("Proof that no tax is owed"), "description": T("Issued by the tax service."),
    "who_may_apply": T("Any taxpayer"), "documents": [], "fee_minor": 0, "processing_days": 5,
    "legal_basis": T("Tax Code"), "offline": T("At the tax office"),
    "form": {"schema": {"type": "object", "additionalProperties": False, "required": ["purpose"],
                        "properties": {"purpose": {"type": "string", "minLength": 3}}},
             "ui": {"pages": [{"id": "purpose", "title": T("Purpose"), "fields": ["purpose"]}],
                    "fields": {"purpose": {"label": T("What is the certificate for?"),
                                           "widget": "textarea"}}}},
}
OFFLINE = {
    "code": "passport-issue", "agency": "REG", "life_events": [], "online": False,
    "name": {"en": "Passport issue", "ru": "Выдача паспорта"}, "summary": T("A new passport"),
    "description": T("Apply in person."), "who_may_apply": T("Citizens"),
    "documents": [T("Photo")], "fee_minor": 10000, "processing_days": 10,
    "legal_basis": T("Passport Act"), "offline": T("Visit a registry office with your photo"),
}


DEMO = {
    "citizens": [
        {"person_id": "12345674", "last_name": "Rahimova", "first_name": "Dilnoza",
         "email": "dilnoza@example.org"},
        {"person_id": "00000026", "last_name": "Karimov", "first_name": "Farrukh"},
    ],
    "officials": [
        {"person_id": "00000109", "last_name": "Operatorov", "first_name": "Olim",
         "agency": "REG", "role": "operator", "service_centre": True},
        {"person_id": "00000117", "last_name": "Nazorat", "first_name": "Sitora",
         "agency": "REG", "role": "supervisor"},
        {"person_id": "00000125", "last_name": "Andozov", "first_name": "Tohir",
         "agency": "TAX", "role": "operator"},
        {"person_id": "00000133", "last_name": "Platformov", "first_name": "Parviz",
         "role": "platform_admin"},
    ],
    "mandates": [
        {"representative": "12345674", "kind": "parent", "services": ["birth-registration"],
         "person": {"person_id": "00000034", "last_name": "Rahimov", "first_name": "Amir"}},
        {"representative": "00000026", "kind": "director",
         "organisation": {"business_id": "123456782", "name": "Pamir Trade LLC"}},
    ],
}


def write_pack(folder: Path, services=(BIRTH, TAX_CERTIFICATE, OFFLINE)) -> Path:
    folder = Path(folder)
    (folder / "services").mkdir(parents=True, exist_ok=True)
    dump = lambda name, data: (folder / name).write_text(  # noqa: E731
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    dump("pack.yaml", PACK)
    dump("agencies.yaml", AGENCIES)
    dump("life_events.yaml", LIFE_EVENTS)
    dump("demo.yaml", DEMO)
    for service in services:
        dump(f"services/{service['code']}.yaml", service)
    (folder / "registries").mkdir(exist_ok=True)
    dump("registries/population.yaml", POPULATION)
    return folder


# A small population registry for the test pack (the shipped packs hold the real ones).
POPULATION = {
    "code": "population", "agency": "REG", "name": T("Population register", "Регистр населения"),
    "schema": {
        "type": "object", "additionalProperties": False,
        "required": ["person_id", "surname", "given_name", "birth_date"],
        "properties": {
            "person_id": {"type": "string", "x-person-id": True},
            "surname": {"type": "string", "minLength": 1, "maxLength": 100},
            "given_name": {"type": "string", "minLength": 1, "maxLength": 100},
            "birth_date": {"type": "string", "format": "date", "x-past": True},
            "address": {"type": "object", "additionalProperties": False,
                        "properties": {"city": {"type": "string"},
                                       "street": {"type": "string"}}},
        },
    },
    "key_fields": ["person_id"],
    "search_fields": ["surname", "given_name", "birth_date"],
    "personal_fields": ["person_id", "surname", "given_name", "birth_date", "address"],
    "public_fields": [],
    "labels": {"person_id": T("Personal number"), "surname": T("Surname"),
               "given_name": T("Given name"), "birth_date": T("Date of birth"),
               "address": T("Address")},
}
