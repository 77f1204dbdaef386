"""`yagona check-country` on broken packs: every problem in one run, each naming the file
and the place (a JSON path in schemas), and never a traceback (issue 9, point 23)."""

import contextlib
import copy
import os
import subprocess
import sys

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yagona.catalogue.packs import read_full_pack
from yagona.core.countries import PackError
from yagona.testing import packs


def dump(path, data):
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")


def problems(folder) -> str:
    with pytest.raises(PackError) as caught:
        read_full_pack(folder)
    return str(caught.value)


def test_pack_yaml_problems_do_not_hide_the_services_problems(tmp_path):
    broken = copy.deepcopy(packs.BIRTH)
    broken["agency"] = "NOPE"
    folder = packs.write_pack(tmp_path / "xx", services=[broken])
    pack = {**packs.PACK, "time_zone": "Mars/Olympus", "currrency": "XTS"}
    dump(folder / "pack.yaml", pack)
    text = problems(folder)
    assert "pack.yaml: time_zone: unknown zone 'Mars/Olympus'" in text
    assert "pack.yaml: currrency: unknown key" in text
    assert "services/birth-registration.yaml: unknown agency 'NOPE'" in text


def test_schema_errors_name_the_file_and_the_json_path(tmp_path):
    broken = copy.deepcopy(packs.BIRTH)
    broken["form"]["schema"]["properties"]["sex"]["type"] = "strng"
    broken["form"]["schema"]["properties"]["child_name"]["minLength"] = -1
    population = copy.deepcopy(packs.POPULATION)
    population["schema"]["properties"]["sex"]["enum"] = "m or f"
    folder = packs.write_pack(tmp_path / "xx", services=[broken])
    dump(folder / "registries" / "population.yaml", population)
    text = problems(folder)
    assert "services/birth-registration.yaml: form.schema: $.properties.sex.type: " in text
    assert "form.schema: $.properties.child_name.minLength: " in text
    assert "registries/population.yaml: schema: $.properties.sex.enum: " in text


def test_required_names_that_are_not_properties_are_caught(tmp_path):
    broken = copy.deepcopy(packs.BIRTH)
    broken["form"]["schema"]["required"].append("chlid_name")
    broken["form"]["schema"]["allOf"][0]["then"]["required"] = ["hospital_nmae"]
    population = copy.deepcopy(packs.POPULATION)
    address = population["schema"]["properties"]["address"]
    address["required"] = [*address["required"], "postcode"]
    folder = packs.write_pack(tmp_path / "xx", services=[broken])
    dump(folder / "registries" / "population.yaml", population)
    text = problems(folder)
    assert "form.schema: $.required: 'chlid_name' is not a property" in text
    assert "form.schema: $.allOf[0].then.required: 'hospital_nmae' is not a property" in text
    assert "registries/population.yaml: schema: $.properties.address.required: 'postcode' " \
           "is not a property" in text


def test_a_signature_is_required_or_none_and_only_online(tmp_path):
    wrong = {**copy.deepcopy(packs.TRADE_LICENCE), "signature": "yes"}
    offline = {**copy.deepcopy(packs.OFFLINE), "signature": "required"}
    folder = packs.write_pack(tmp_path / "xx", services=[wrong, offline, packs.BIRTH])
    text = problems(folder)
    assert "services/trade-licence.yaml: signature: 'yes' is not one of required, none" in text
    assert "services/passport-issue.yaml: signature: required needs an online service" in text
    assert "birth-registration" not in text  # no signature key: none


def test_invalid_dates_and_odd_shapes_are_named_not_raised(tmp_path):
    folder = packs.write_pack(tmp_path / "xx")
    text = (folder / "pack.yaml").read_text(encoding="utf-8")
    (folder / "pack.yaml").write_text(text.replace("'2026-01-01'", "2026-02-30"),
                                      encoding="utf-8")
    (folder / "services" / "odd.yaml").write_text(
        "code: odd\nagency: REG\nform: a form\nonline: true\nprocessing_days: 1\n"
        "documents: a list\nlife_events: birth\nname: {en: Odd, ru: Odd}\nwhere: here\n",
        encoding="utf-8")
    (folder / "agencies.yaml").write_text(
        (folder / "agencies.yaml").read_text(encoding="utf-8") + "- plain text\n"
        "- {code: EDU, name: {en: Education, ru: Образование}, adress: {en: x, ru: y}}\n",
        encoding="utf-8")
    text = problems(folder)
    assert "pack.yaml: not a valid value: day is out of range for month" in text
    assert "services/odd.yaml: where: unknown key" in text
    assert "services/odd.yaml: form: expected {schema, ui}" in text
    assert "agencies.yaml[2]: expected a mapping" in text
    assert "agencies.yaml[3]: adress: unknown key" in text
    assert "unknown agency 'REG'" not in text  # the good entries still count


def test_the_command_prints_every_problem_and_no_traceback(tmp_path):
    folder = packs.write_pack(tmp_path / "xx")
    dump(folder / "pack.yaml", {**packs.PACK, "calendar": {"holidays": [{"date": "soon"}]},
                                "languages": "en"})
    (folder / "services" / "broken.yaml").write_text("code: [unclosed\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run([sys.executable, "-m", "yagona.cli", "check-country", str(folder)],
                          capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    assert "languages: at least one language is needed" in done.stderr
    assert "services/broken.yaml: not valid YAML" in done.stderr
    assert "calendar.holidays[0].date: a date YYYY-MM-DD is needed" in done.stderr


_values = st.recursive(st.none() | st.booleans() | st.integers(-5, 5) | st.text(max_size=5),
                       lambda inner: st.lists(inner, max_size=3)
                       | st.dictionaries(st.text(max_size=4), inner, max_size=3),
                       max_leaves=6)
_SERVICE_KEYS = sorted(packs.BIRTH) + ["fee"]
_PACK_KEYS = sorted(packs.PACK) + ["money", "fee_units", "phone", "registration_number",
                                   "language_info"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["service", "pack", "registry"]), st.data())
def test_any_value_in_any_key_is_a_problem_never_a_crash(file, data):
    """Whatever a pack author writes under a known key, the check answers with problems."""
    import tempfile
    from pathlib import Path

    service, pack = copy.deepcopy(packs.BIRTH), copy.deepcopy(packs.PACK)
    population = copy.deepcopy(packs.POPULATION)
    target = {"service": service, "pack": pack, "registry": population}[file]
    keys = {"service": _SERVICE_KEYS, "pack": _PACK_KEYS, "registry": sorted(population)}
    target[data.draw(st.sampled_from(keys[file]))] = data.draw(_values)
    with tempfile.TemporaryDirectory() as folder:
        folder = packs.write_pack(Path(folder) / "xx", services=[service])
        dump(folder / "pack.yaml", pack)
        dump(folder / "registries" / "population.yaml", population)
        with contextlib.suppress(PackError):  # problems are the answer; anything else fails
            read_full_pack(folder)


def test_the_satisfaction_groups_name_a_register_and_its_fields(tmp_path):
    folder = packs.write_pack(tmp_path / "xx")
    dump(folder / "pack.yaml", {**packs.PACK, "satisfaction": {
        "register": "population", "sex": "gender", "birth_date": "birth_date",
        "region": "address.oblast", "age_bands": [30, 18], "colour": "red"}})
    text = problems(folder)
    for expected in ("pack.yaml: satisfaction.colour: unknown key",
                     "satisfaction.age_bands: the bands' lowest ages in years, rising",
                     "satisfaction.sex: 'gender' is not a field of the register",
                     "satisfaction.region: 'address.oblast' is not a field of the register"):
        assert expected in text
    assert "satisfaction.birth_date" not in text  # a field the register has
    dump(folder / "pack.yaml", {**packs.PACK, "satisfaction": {
        **packs.PACK["satisfaction"], "register": "legal_entities"}})
    assert "satisfaction.register: 'legal_entities' is no register of the pack keyed by " \
           "person ID" in problems(folder)
    dump(folder / "pack.yaml", packs.PACK)
    assert read_full_pack(folder).country.raw["satisfaction"]["age_bands"] == [18, 30, 45, 60]
