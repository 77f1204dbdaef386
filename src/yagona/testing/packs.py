"""A minimal country pack written to a folder: proof that a country is data only."""

import re
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
    "opendata": {"publisher": "REG", "budget": "TAX", "title": T("Open data of Testland"),
                 "description": T("What Testland's agencies publish.")},
    "satisfaction": {"register": "population", "sex": "sex", "birth_date": "birth_date",
                     "region": "address.region", "age_bands": [18, 30, 45, 60]},
    "person_id": {"label": T("Personal number"), "pattern": "^[0-9]{8}$",
                  # Luhn, declared: weights from the right 2, 1, 2 ...; products' digits
                  # summed; the check digit tops the sum up to a multiple of 10.
                  "checksum": {"weights": [2, 1, 2, 1, 2, 1, 2], "modulus": 10,
                               "digit_sum": True, "complement": True}, "example": "12345674"},
    "business_id": {"label": T("Business number"), "pattern": "^[0-9]{9}$",
                    "checksum": {"weights": [9, 8, 7, 6, 5, 4, 3, 2], "modulus": 11},
                    "example": "123456782"},
    "calendar": {"weekend": [6, 7], "holidays": [
        {"date": "2026-01-01", "name": T("New Year")},
        {"date": "2027-01-01", "name": T("New Year")},
    ]},
    "documents": {"decision": {
        "title_approved": T("Decision to grant the application", "Решение об удовлетворении"),
        "title_rejected": T("Decision to refuse the application", "Решение об отказе"),
        "number": T("Registration number", "Регистрационный номер"),
        "date": T("Date of the decision", "Дата решения"),
        "applicant": T("Applicant", "Заявитель"),
        "applicant_id": T("Identification number", "Идентификационный номер"),
        "service": T("Service", "Услуга"), "decision": T("Decision", "Решение"),
        "approved": T("Granted", "Удовлетворено"), "rejected": T("Refused", "Отказано"),
        "reason": T("Grounds for the decision", "Основание решения"),
        "official": T("Official", "Должностное лицо"),
        "verify": T("This document is signed electronically. Verify it at",
                    "Документ подписан электронной подписью. Проверить его можно по адресу"),
        "document_id": T("Document ID", "Идентификатор документа"),
        "page": T("Page {page} of {pages}", "Страница {page} из {pages}"),
    }, "extract": {
        "title": T("Extract from a state register", "Выписка из государственного реестра"),
        "registry": T("Register", "Реестр"), "keeper": T("Kept by", "Держатель реестра"),
        "person_id": T("Personal identification number", "Идентификационный номер"),
        "changed": T("Record last changed", "Дата последнего изменения записи"),
        "issued": T("Date of the extract", "Дата выдачи выписки"),
        "record": T("What the register holds", "Сведения реестра"),
        "sealed_by": T("Sealed by", "Скреплено электронной печатью"),
        "verify": T("This document is sealed electronically. Verify it at",
                    "Документ скреплён электронной печатью. Проверить его можно по адресу"),
        "document_id": T("Document ID", "Идентификатор документа"),
        "page": T("Page {page} of {pages}", "Страница {page} из {pages}"),
    }},
}
AGENCIES = [
    {"code": "REG", "name": T("Civil Registry", "Служба регистрации"),
     "short_name": T("Registry"), "website": "https://registry.example", "email": "r@example.org",
     "head": {"name": T("A. Head"), "title": T("Director")},
     "offices": [{"address": T("1 Main Street, Capital", "Столица, Главная улица, 1"),
                  "hours": [{"days": [1, 2, 3, 4, 5], "open": "08:00", "close": "17:00"},
                            {"days": [6], "open": "09:00", "close": "13:00"}]}],
     "departments": [{"code": "01", "name": T("General department", "Общий отдел")},
                     {"code": "02", "name": T("Civil status department")}]},
    {"code": "TAX", "name": T("Tax Service", "Налоговая служба"), "short_name": T("Tax"),
     "departments": [{"code": "01", "name": T("Chancellery", "Канцелярия")}]},
]
# Document flow: kinds, the journals every agency keeps, the file plan (correspondence.yaml).
CORRESPONDENCE = {
    "types": [{"code": "letter", "name": T("Letter", "Письмо")},
              {"code": "request", "name": T("Request", "Запрос")},
              {"code": "order", "name": T("Order", "Приказ")}],
    "journals": [
        {"code": "IN", "kind": "incoming", "name": T("Incoming"), "number": "{seq}-in/{yy}"},
        {"code": "OUT", "kind": "outgoing", "name": T("Outgoing"),
         "number": "{case}/{seq}/{yy}"},
        {"code": "ORD", "kind": "internal", "name": T("Orders"), "number": "{seq:3}-o/{yyyy}"}],
    "file_plan": [
        {"index": "01-01", "title": T("Orders on core activity"), "retention": "permanent"},
        {"index": "01-05", "title": T("Correspondence with state bodies"), "retention": 5}],
    "agencies": {"REG": {"file_plan": [{"index": "02-01", "title": T("Civil status records"),
                                        "retention": 75, "basis": "Standard list, item 1"}]}},
    "reminders": {"before_working_days": 2, "hour": 8},
}
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
# A licence whose application the applicant signs (signature: required), for a person or
# a company they act for.
TRADE_LICENCE = {
    "code": "trade-licence", "agency": "TAX", "life_events": ["tax"], "online": True,
    "applicant_kinds": ["person", "organisation"], "signature": "required",
    "name": {"en": "Trade licence", "ru": "Торговая лицензия"},
    "summary": T("A licence to trade"), "description": T("Issued by the tax service."),
    "who_may_apply": T("Traders"), "documents": [], "fee_minor": 0, "processing_days": 5,
    "legal_basis": T("Trade Act"), "offline": T("At the tax office"),
    "form": {"schema": {"type": "object", "additionalProperties": False,
                        "required": ["activity"],
                        "properties": {"activity": {"type": "string", "minLength": 3},
                                       "plan": {"type": "string", "x-attachment": {
                                           "accept": ["application/pdf"]}}}},
             "ui": {"pages": [{"id": "trade", "title": T("Trade"),
                               "fields": ["activity", "plan"]}],
                    "fields": {"activity": {"label": T("What will you trade?", "Чем будете "
                                                       "торговать?")},
                               "plan": {"label": T("Business plan"), "widget": "file"}}}},
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
        {"person_id": "12345674", "last_name": "Rahimova", "first_name": "Dilnoza", "sex": "f",
         "email": "dilnoza@example.org"},
        {"person_id": "00000026", "last_name": "Karimov", "first_name": "Farrukh"},
    ],
    "officials": [
        {"person_id": "00000109", "last_name": "Operatorov", "first_name": "Olim",
         "agency": "REG", "role": "operator", "service_centre": True},
        {"person_id": "00000117", "last_name": "Nazorat", "first_name": "Sitora",
         "agency": "REG", "role": "supervisor", "department": "02"},
        {"person_id": "00000125", "last_name": "Andozov", "first_name": "Tohir",
         "agency": "TAX", "role": "operator"},
        {"person_id": "00000133", "last_name": "Platformov", "first_name": "Parviz",
         "role": "platform_admin"},
        # The registry offices: clerks and heads (who write resolutions and sign).
        {"person_id": "00000141", "last_name": "Kotiba", "first_name": "Gulnora",
         "agency": "REG", "role": "clerk", "department": "01"},
        {"person_id": "00000158", "last_name": "Sardorov", "first_name": "Rustam",
         "agency": "REG", "role": "head", "department": "01"},
        {"person_id": "00000166", "last_name": "Muovina", "first_name": "Malika",
         "agency": "REG", "role": "head", "department": "02"},
        {"person_id": "00000174", "last_name": "Daftardor", "first_name": "Parviz",
         "agency": "TAX", "role": "clerk", "department": "01"},
        {"person_id": "00000182", "last_name": "Raisova", "first_name": "Firuza",
         "agency": "TAX", "role": "head", "department": "01"},
        {"person_id": "00000190", "last_name": "Muovin", "first_name": "Anvar",
         "agency": "TAX", "role": "head", "department": "01"},
    ],
    "mandates": [
        {"representative": "12345674", "kind": "parent", "services": ["birth-registration"],
         "person": {"person_id": "00000034", "last_name": "Rahimov", "first_name": "Amir"}},
        {"representative": "00000026", "kind": "director",
         "organisation": {"business_id": "123456782", "name": "Pamir Trade LLC"}},
    ],
    "exchange_members": [
        {"member_class": "COM", "code": "987654321", "name": "Pamir Bank",
         "subsystem": "loans", "reads": ["population"]},
    ],
    # The registry offices' documents in every state (demo/correspondence.py).
    "correspondence": [
        {"key": "centre", "agency": "REG", "kind": "incoming", "journal": "IN",
         "type": "request", "clerk": "00000141", "department": "02", "pages": 2,
         "from": {"name": "Civil Rights Centre", "number": "27", "days_ago": 6},
         "subject": "On statistics of registered births and marriages",
         "summary": "The centre asks for last year's figures by region.",
         "resolution": {"by": "00000158", "text": "Prepare the figures, without names.",
                        "executors": [
                            {"official": "00000117", "working_days": 15,
                             "responsible": True},
                            {"official": "00000109", "working_days": 7}]}},
        {"key": "lawyers", "agency": "REG", "kind": "incoming", "journal": "IN",
         "type": "letter", "clerk": "00000141",
         "from": {"name": "Young Lawyers Association", "number": "09/14", "days_ago": 12},
         "subject": "On the procedure of registering a birth abroad",
         "resolution": {"by": "00000166", "text": "Explain the procedure.",
                        "executors": [
                            {"official": "00000117", "working_days": 10, "responsible": True,
                             "done": "Answered.", "answer": "lawyers-answer"},
                            {"official": "00000109", "working_days": 5,
                             "done": "The consulates' practice is in the answer."}]}},
        {"key": "lawyers-answer", "agency": "REG", "kind": "outgoing", "type": "letter",
         "author": "00000117", "answers": "lawyers",
         "to": {"name": "Young Lawyers Association"},
         "subject": "On the procedure of registering a birth abroad",
         "text": "A birth abroad is registered by the consulate, or here on return.",
         "signatory": "00000166", "clerk": "00000141", "journal": "OUT", "case": "01-05",
         "until": "registered"},
        {"agency": "REG", "kind": "incoming", "journal": "IN", "type": "letter",
         "clerk": "00000141",
         "from": {"name": "National University", "number": "1-12/438", "days_ago": 2},
         "subject": "On students' internship in the registry"},
        {"agency": "REG", "kind": "outgoing", "type": "request", "author": "00000109",
         "to": {"agency": "TAX"}, "access": "official_use",
         "subject": "On reconciling death records with the taxpayers' register",
         "text": "We propose to reconcile last quarter's death records.",
         "route": [["00000117"], ["00000166"]], "signatory": "00000158",
         "until": "in_approval"},
        {"agency": "REG", "kind": "outgoing", "type": "letter", "author": "00000117",
         "to": {"agency": "TAX"}, "subject": "On the draft instruction on notaries' reports",
         "text": "The draft instruction is sent for your agreement.",
         "route": [["00000166"]], "signatory": "00000158", "until": "approved"},
        {"agency": "REG", "kind": "internal", "type": "order", "author": "00000117",
         "subject": "On the reception of citizens by the management",
         "text": "1. The head receives citizens on Tuesdays from 14:00 to 17:00.",
         "route": [["00000166"]], "signatory": "00000158", "clerk": "00000141",
         "journal": "ORD", "case": "01-01", "until": "registered"},
        {"agency": "REG", "kind": "internal", "type": "letter", "author": "00000109",
         "subject": "On the service centre's scanner", "text": "The scanner is broken."},
        {"agency": "TAX", "kind": "outgoing", "type": "request", "author": "00000125",
         "to": {"agency": "REG"}, "subject": "On the state duty paid for registrations",
         "text": "Please send last quarter's figures of the state duty.",
         "signatory": "00000182", "clerk": "00000174", "journal": "OUT", "case": "01-05",
         "until": "sent"},
        {"agency": "TAX", "kind": "internal", "type": "order", "author": "00000125",
         "subject": "On the tax audit plan", "text": "1. The audit plan is approved.",
         "signatory": "00000190", "until": "signed"},
    ],
}


# Appeals: REG's office receives those whose author does not know the competent body;
# statements count calendar days, complaints working days (as Azerbaijan's law).
APPEALS = {
    "number": "A-{seq:5}/{yy}",
    "complaint_kind": "complaint",
    "reception": {"agency": "REG", "forward_days": 5},
    "superiors": {"TAX": "REG"},
    "kinds": [
        {"code": "statement", "name": T("Statement", "Заявление"),
         "deadline": {"days": 15, "extension": 15}},
        {"code": "complaint", "name": T("Complaint", "Жалоба"),
         "deadline": {"days": 15, "working_days": True, "extension": 15}},
        {"code": "problem", "name": T("Problem in a public place", "Проблема"),
         "deadline": {"days": 15}, "location": "required", "photos": 2},
        {"code": "corruption", "name": T("Report of corruption", "Сообщение о коррупции"),
         "deadline": {"days": 30}, "anonymous": True},
    ],
    "categories": [
        {"code": "street_light", "kind": "problem", "agency": "TAX",
         "name": T("Street light out", "Не горит фонарь"),
         "attributes": [{"code": "poles", "type": "number", "name": T("Poles out")}]},
        {"code": "dumping", "kind": "problem", "agency": "REG",
         "name": T("Illegal dumping", "Свалка"),
         "attributes": [{"code": "size", "type": "singlevaluelist", "required": True,
                         "name": T("Size"), "values": [
                             {"key": "bag", "name": T("A bag")},
                             {"key": "truck", "name": T("A truck load")}]}]},
    ],
    "map": {"bounds": [67.3, 36.6, 75.2, 41.1]},
}


def write_pack(folder: Path,
               services=(BIRTH, TAX_CERTIFICATE, TRADE_LICENCE, OFFLINE)) -> Path:
    folder = Path(folder)
    (folder / "services").mkdir(parents=True, exist_ok=True)
    dump = lambda name, data: (folder / name).write_text(  # noqa: E731
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    dump("pack.yaml", PACK)
    dump("agencies.yaml", AGENCIES)
    dump("life_events.yaml", LIFE_EVENTS)
    dump("demo.yaml", DEMO)
    for index, service in enumerate(services):
        # Named by its code; a broken code under test (any value) by its place instead.
        code = service.get("code")
        name = code if isinstance(code, str) and re.fullmatch(r"[\w-]+", code) else index
        dump(f"services/{name}.yaml", service)
    (folder / "registries").mkdir(exist_ok=True)
    dump("registries/population.yaml", POPULATION)
    dump("people.yaml", PEOPLE)
    dump("correspondence.yaml", CORRESPONDENCE)
    dump("appeals.yaml", APPEALS)
    return folder


# The population registry of the test pack, in the shape the shipped packs use and the
# synthetic data generator writes.
_TEXT = {"type": "string", "minLength": 1, "maxLength": 100}
_DATE = {"type": "string", "format": "date"}
_ID = {"type": "string", "x-person-id": True}
ADDRESS = {"type": "object", "additionalProperties": False,
           "required": ["region", "city", "street", "house"],
           "properties": {name: {"type": "string", "maxLength": 200} for name in
                          ("region", "district", "city", "street", "house", "apartment")}}
POPULATION = {
    "code": "population", "agency": "REG", "name": T("Population register", "Регистр населения"),
    "schema": {
        "type": "object", "additionalProperties": False,
        "required": ["person_id", "surname", "given_name", "surname_latin", "given_name_latin",
                     "birth_date", "sex", "citizenship", "address", "marital_status",
                     "identity_document"],
        "properties": {
            "person_id": _ID, "surname": _TEXT, "given_name": _TEXT, "patronymic": _TEXT,
            "surname_latin": _TEXT, "given_name_latin": _TEXT, "patronymic_latin": _TEXT,
            "birth_date": {**_DATE, "x-past": True}, "birth_place": _TEXT,
            "sex": {"type": "string", "enum": ["m", "f"]},
            "citizenship": {"type": "string", "pattern": "^[A-Z]{2}$"},
            "address": ADDRESS, "mother_id": _ID, "father_id": _ID,
            "marital_status": {"type": "string",
                               "enum": ["single", "married", "divorced", "widowed"]},
            "spouse_id": _ID,
            "identity_document": {
                "type": "object", "additionalProperties": False,
                "required": ["type", "number", "issued", "expires", "issuer"],
                "properties": {"type": {"type": "string", "enum": ["passport", "id_card",
                                                                   "birth_certificate"]},
                               "number": _TEXT, "issued": {**_DATE, "x-past": True},
                               "expires": _DATE, "issuer": _TEXT}},
            "death_date": {**_DATE, "x-past": True},
        },
    },
    "key_fields": ["person_id"],
    "search_fields": ["surname", "given_name", "birth_date"],
    "personal_fields": ["person_id", "surname", "given_name", "patronymic", "birth_date",
                        "address", "mother_id", "father_id", "spouse_id",
                        "identity_document"],
    "public_fields": [],
}
POPULATION["labels"] = {name: T(name.replace("_", " ").capitalize())
                        for name in POPULATION["schema"]["properties"]}
POPULATION["labels"].update({f"{field}.{sub}": T(sub.capitalize()) for field in
                             ("address", "identity_document") for sub in
                             POPULATION["schema"]["properties"][field]["properties"]})
POPULATION["value_labels"] = {"sex": {"m": T("Male", "Мужской"), "f": T("Female", "Женский")}}


# The name stock and places the synthetic data generator draws from (people.yaml).
PEOPLE = {
    "other_script_suffix": "_latin",
    "citizenship": "XX",
    "male_names": [
        {"name": "Алишер", "latin": "Alisher",
         "patronymic": {"m": "Алишерович", "f": "Алишеровна"},
         "patronymic_other": {"m": "Alisherovich", "f": "Alisherovna"}},
        {"name": "Фаррух", "latin": "Farrukh",
         "patronymic": {"m": "Фаррухович", "f": "Фарруховна"},
         "patronymic_other": {"m": "Farrukhovich", "f": "Farrukhovna"}},
    ],
    "female_names": [{"name": "Дилноза", "latin": "Dilnoza"}, {"name": "Мадина",
                                                               "latin": "Madina"}],
    "surnames": [{"m": "Раҳимов", "f": "Раҳимова", "other_m": "Rahimov", "other_f": "Rahimova"},
                 {"m": "Раҳимзода", "f": "Раҳимзода", "other_m": "Rahimzoda",
                  "other_f": "Rahimzoda"}],
    "places": [{"region": "Суғд", "cities": [{"name": "Хуҷанд", "streets": ["Ленин"]}]},
               {"region": "Душанбе", "cities": [{"name": "Душанбе", "streets": ["Рӯдакӣ"]}]}],
    "document_numbers": {"passport": "A########", "birth_certificate": "I-ТҶ ######"},
    "company_names": ["«{word}»"], "company_words": ["Помир", "Суғд"],
    "legal_forms": ["llc"], "activity_codes": ["47.11", "62.01"],
}
