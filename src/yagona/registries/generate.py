"""Synthetic national-scale population and company data, deterministic for a seed.

People come in households (a married couple with children, or a single adult), so
that parents are older than their children, spouses are of age and point at each
other, and everything a record refers to is made within the household: memory stays
constant whatever N is. Companies get directors and founders from a bounded
reservoir of living adults seen on the way. Names and places come from the pack's
``people.yaml``; identifiers follow the pack's formats and checksums.
"""

import random
import re
from collections.abc import Iterator
from datetime import date, timedelta
from math import gcd

from yagona.core.countries import CountryPack
from yagona.core.identifiers import check_digit

RESERVOIR = 20_000


def _alphabet(spec: str) -> str:
    """The characters of a regex character class such as ``0-9A-Z``."""
    chars, i = [], 0
    while i < len(spec):
        if i + 2 < len(spec) and spec[i + 1] == "-":
            chars.extend(chr(c) for c in range(ord(spec[i]), ord(spec[i + 2]) + 1))
            i += 3
        else:
            chars.append(spec[i])
            i += 1
    return "".join(chars)


class IdentifierMaker:
    """Distinct identifiers for 0, 1, 2 ... that follow a pack format: the index is
    scattered over the whole space by an affine permutation (so numbers look random
    yet never repeat) and written in the pattern's mixed radix; a checksum digit, where
    the format has one, is computed for the last place."""

    def __init__(self, pattern: str, checksum: dict | None, seed: int):
        body = pattern.removeprefix("^").removesuffix("$")
        positions: list[str] = []
        for match in re.finditer(r"(\[[^\]]+\]|\\?.)(?:\{(\d+)\})?", body):
            atom, count = match.group(1), int(match.group(2) or 1)
            chars = _alphabet(atom[1:-1]) if atom.startswith("[") else atom.lstrip("\\")
            positions.extend([chars] * count)
        self.checksum = checksum or None
        self.positions = positions[:-1] if self.checksum else positions
        self.space = 1
        for chars in self.positions:
            self.space *= len(chars)
        rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
        self.multiplier = rng.randrange(self.space // 3, self.space)
        while gcd(self.multiplier, self.space) != 1:
            self.multiplier += 1
        self.offset = rng.randrange(self.space)

    def make(self, index: int) -> str | None:
        """The identifier for ``index``, or None when its checksum cannot be valid."""
        number = (index * self.multiplier + self.offset) % self.space
        out = []
        for chars in reversed(self.positions):
            number, digit = divmod(number, len(chars))
            out.append(chars[digit])
        value = "".join(reversed(out))
        if self.checksum:
            check = check_digit([int(c) for c in value], self.checksum)
            return None if check is None else value + str(check)
        return value


class Generator:
    def __init__(self, pack: CountryPack, people: dict, seed: int, today: date,
                 reserved: set[str] = frozenset()):
        self.pack, self.people, self.today = pack, people, today
        self.rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
        self.person_ids = IdentifierMaker(pack.person_id.pattern,
                                          pack.person_id.checksum, seed)
        self.business_ids = IdentifierMaker(pack.business_id.pattern,
                                            pack.business_id.checksum, seed + 1)
        self.reserved = set(reserved)
        self.next_person = self.next_business = 0
        self.adults: list[str] = []  # reservoir of living adults (directors, founders)
        self.adults_seen = 0
        self.other = people.get("other_script_suffix", "_latin")
        self.citizenship = people.get("citizenship", pack.code.upper())
        self.documents = people.get("document_numbers", {})

    # --- identifiers ----------------------------------------------------------------
    def _new_id(self, maker: IdentifierMaker, counter: str) -> str:
        while True:
            index = getattr(self, counter)
            setattr(self, counter, index + 1)
            value = maker.make(index)
            if value is not None and value not in self.reserved:
                return value

    def _document_number(self, kind: str) -> str:
        template = self.documents.get(kind, "########")
        return "".join(str(self.rng.randrange(10)) if ch == "#" else ch for ch in template)

    # --- people ---------------------------------------------------------------------
    def persons(self, count: int) -> Iterator[dict]:
        """``count`` people, household by household."""
        made = 0
        while made < count:
            for person in self._household():
                if made == count:
                    break
                made += 1
                yield person

    def _household(self) -> list[dict]:
        rng, today = self.rng, self.today
        address = self._address()
        if rng.random() < 0.22:  # a single adult
            return [self._person(rng.choice("mf"), self._birth_date(18, 90), address,
                                 rng.choice(["single", "single", "divorced", "widowed"]))]
        husband_born = self._birth_date(20, 80)
        wife_born = husband_born + timedelta(days=rng.randint(0, 7 * 365))
        wife_born = min(wife_born, today - timedelta(days=18 * 366))
        husband = self._person("m", husband_born, address, "married")
        wife = self._person("f", wife_born, address, "married", surname_of=husband)
        husband["spouse_id"], wife["spouse_id"] = wife["person_id"], husband["person_id"]
        family = [husband, wife]
        first_child = wife_born + timedelta(days=rng.randint(19 * 365, 30 * 365))
        born = first_child
        for _ in range(rng.choice([0, 1, 2, 2, 3, 3, 4, 5])):
            if born >= today or (born - wife_born).days > 44 * 365:
                break
            child = self._person(rng.choice("mf"), born, address, "single",
                                 surname_of=husband, father=husband, mother=wife)
            family.append(child)
            born += timedelta(days=rng.randint(400, 5 * 365))
        return family

    def _person(self, sex: str, born: date, address: dict, marital: str, *,
                surname_of: dict | None = None, father: dict | None = None,
                mother: dict | None = None) -> dict:
        rng, names = self.rng, self.people
        given = rng.choice(names["male_names"] if sex == "m" else names["female_names"])
        family = surname_of["_surname"] if surname_of else rng.choice(names["surnames"])
        father_name = father["_given"] if father else rng.choice(names["male_names"])
        age = (self.today - born).days // 365
        record = {
            "person_id": self._new_id(self.person_ids, "next_person"),
            "surname": family[sex], "given_name": given["name"],
            "patronymic": father_name["patronymic"][sex],
            "surname" + self.other: family["other_" + sex],
            "given_name" + self.other: given["latin"],
            "patronymic" + self.other: father_name["patronymic_other"][sex],
            "birth_date": born.isoformat(),
            "birth_place": address["city"] if father else self._address()["city"],
            "sex": sex, "citizenship": self.citizenship, "address": address,
            "marital_status": marital if age >= 18 else "single",
            "identity_document": self._document(born, age),
        }
        if father:
            record["father_id"], record["mother_id"] = father["person_id"], mother["person_id"]
        if age >= 60 and rng.random() < 0.03:
            record["death_date"] = (self.today - timedelta(days=rng.randint(1, 3650))).isoformat()
        elif age >= 18:
            self._offer_adult(record["person_id"])
        record["_surname"], record["_given"] = family, given  # for the household only
        return record

    def known_person(self, entry: dict, *, born: date | None = None,
                     mother: dict | None = None) -> dict:
        """A registry record for a named person (the demo people): their ID, names and
        sex as given, the other script by the pack's transliteration, the rest made up."""
        sex = entry.get("sex", "m")
        born = born or self._birth_date(25, 60)
        address = mother["address"] if mother else self._address()
        table = self.people.get("transliteration", {})
        record = {
            "person_id": entry["person_id"], "surname": entry["last_name"],
            "given_name": entry["first_name"],
            "surname" + self.other: transliterate(entry["last_name"], table),
            "given_name" + self.other: transliterate(entry["first_name"], table),
            "birth_date": born.isoformat(), "birth_place": address["city"], "sex": sex,
            "citizenship": self.citizenship, "address": address,
            "marital_status": "single" if mother else self.rng.choice(["married", "single"]),
            "identity_document": self._document(born, (self.today - born).days // 365),
        }
        if entry.get("patronymic"):
            record["patronymic"] = entry["patronymic"]
            record["patronymic" + self.other] = transliterate(entry["patronymic"], table)
        if mother:
            record["mother_id"] = mother["person_id"]
        return record

    def _document(self, born: date, age: int) -> dict:
        rng, today = self.rng, self.today
        if age < 16:
            issued = min(born + timedelta(days=rng.randint(3, 60)), today)
            return {"type": "birth_certificate", "number": self._document_number(
                "birth_certificate"), "issued": issued.isoformat(),
                "expires": (born + timedelta(days=16 * 366)).isoformat(),
                "issuer": self.people.get("issuers", {}).get("birth_certificate", "-")}
        issued = today - timedelta(days=rng.randint(1, 9 * 365))
        kind = self.people.get("adult_document", "passport")
        return {"type": kind, "number": self._document_number(kind),
                "issued": issued.isoformat(),
                "expires": (issued + timedelta(days=10 * 365)).isoformat(),
                "issuer": self.people.get("issuers", {}).get(kind, "-")}

    def _birth_date(self, youngest: int, oldest: int) -> date:
        return self.today - timedelta(days=self.rng.randint(youngest * 366, oldest * 365))

    def _address(self) -> dict:
        rng = self.rng
        place = rng.choice(self.people["places"])
        city = rng.choice(place["cities"])
        address = {"region": place["region"], "city": city["name"],
                   "street": rng.choice(city["streets"]), "house": str(rng.randint(1, 180))}
        if rng.random() < 0.55:
            address["apartment"] = str(rng.randint(1, 120))
        return address

    def _offer_adult(self, person_id: str) -> None:
        """Reservoir sampling: every adult has the same chance to be kept."""
        self.adults_seen += 1
        if len(self.adults) < RESERVOIR:
            self.adults.append(person_id)
        else:
            slot = self.rng.randrange(self.adults_seen)
            if slot < RESERVOIR:
                self.adults[slot] = person_id

    # --- companies ------------------------------------------------------------------
    def businesses(self, count: int) -> Iterator[dict]:
        rng, names = self.rng, self.people
        if not self.adults:
            raise ValueError("generate people first: companies need living adult directors")
        forms = names.get("legal_forms", ["llc"])
        for _ in range(count):
            director = rng.choice(self.adults)
            founders = {director, *rng.sample(self.adults, min(len(self.adults),
                                                               rng.randint(0, 2)))}
            shares = _shares(len(founders), rng)
            registered = self.today - timedelta(days=rng.randint(30, 25 * 365))
            record = {
                "business_id": self._new_id(self.business_ids, "next_business"),
                "name": rng.choice(names["company_names"]).format(
                    word=rng.choice(names["company_words"])),
                "legal_form": rng.choice(forms),
                "registration_date": registered.isoformat(),
                "address": self._address(),
                "director_id": director,
                "founders": [{"person_id": p, "share_percent": s}
                             for p, s in zip(sorted(founders), shares, strict=True)],
                "activity_codes": rng.sample(names["activity_codes"],
                                             rng.randint(1, min(3, len(names["activity_codes"])))),
                "status": "active",
            }
            if rng.random() < 0.06:
                record["status"] = "liquidated"
                record["liquidation_date"] = (registered + timedelta(days=rng.randint(
                    30, max(31, (self.today - registered).days)))).isoformat()
                record["liquidation_date"] = min(record["liquidation_date"],
                                                 self.today.isoformat())
            yield record


def transliterate(text: str, table: dict) -> str:
    """Write ``text`` in the other script with the pack's table (longest match first,
    keeping an initial capital)."""
    if not table:
        return text
    keys = sorted(table, key=len, reverse=True)
    out, i = [], 0
    while i < len(text):
        for key in keys:
            piece = text[i:i + len(key)]
            if piece.lower() == key:
                value = table[key]
                out.append(value[:1].upper() + value[1:] if piece[:1].isupper() else value)
                i += len(key)
                break
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _shares(count: int, rng: random.Random) -> list[float]:
    """``count`` whole-percent shares, each at least 1, adding up to 100."""
    edges = [0, *sorted(rng.sample(range(1, 100), count - 1)), 100]
    return [float(edges[i + 1] - edges[i]) for i in range(count)]


def public(record: dict) -> dict:
    """The record without the generator's working fields."""
    return {k: v for k, v in record.items() if not k.startswith("_")}
