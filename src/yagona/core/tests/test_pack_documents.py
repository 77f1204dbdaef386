"""pack.yaml ``documents``: every label of a document in every pack language, checked on
load with the file and the path of each problem (the renderer never meets a gap)."""

import copy
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from yagona.catalogue.packs import read_full_pack
from yagona.core.countries import PackError, read_pack
from yagona.core.pack_documents import DOCUMENT_LABELS
from yagona.testing import packs


def problems(tmp_path, pack) -> str:
    folder = packs.write_pack(tmp_path / "xx")
    (folder / "pack.yaml").write_text(yaml.safe_dump(pack, allow_unicode=True),
                                      encoding="utf-8")
    with pytest.raises(PackError) as caught:
        read_full_pack(folder)
    return str(caught.value)


def test_a_label_missing_in_one_language_is_named_with_its_path(tmp_path):
    pack = copy.deepcopy(packs.PACK)
    decision = pack["documents"]["decision"]
    del decision["reason"]["ru"]
    del decision["official"]
    decision["titel"] = decision.pop("title_rejected")
    decision["page"]["ru"] = "Страница {page}"
    decision["verify"]["en"] = "Verify it at {url}"
    text = problems(tmp_path, pack)
    assert "xx/pack.yaml: documents.decision.reason: missing text in 'ru'" in text
    assert "pack.yaml: documents.decision.official: missing" in text
    assert "pack.yaml: documents.decision.title_rejected: missing" in text
    assert "pack.yaml: documents.decision.titel: unknown label" in text
    assert "pack.yaml: documents.decision.page.ru: the text must hold {page} and {pages}" \
        in text
    assert "pack.yaml: documents.decision.verify.en: no {name} here" in text
    assert "documents.decision.number" not in text  # the complete labels pass


def test_an_extract_label_missing_is_named_too(tmp_path):
    pack = copy.deepcopy(packs.PACK)
    del pack["documents"]["extract"]["sealed_by"]
    pack["documents"]["extract"]["page"]["en"] = "Page {page}"
    text = problems(tmp_path, pack)
    assert "pack.yaml: documents.extract.sealed_by: missing" in text
    assert "pack.yaml: documents.extract.page.en: the text must hold {page} and {pages}" \
        in text


def test_a_pack_without_documents_is_refused(tmp_path):
    pack = {key: value for key, value in packs.PACK.items() if key != "documents"}
    assert "pack.yaml: documents: expected {decision, extract}" in problems(tmp_path, pack)
    pack["documents"] = {"decision": "labels", "letter": {}}
    text = problems(tmp_path, pack)
    assert "pack.yaml: documents.decision: expected the labels title_approved, " in text
    assert "pack.yaml: documents.letter: unknown document (known: decision, extract)" in text
    assert "pack.yaml: documents.extract: expected the labels title, registry, " in text


@pytest.mark.parametrize("code", ["tj", "az", "uz"])
def test_the_shipped_packs_label_each_document_in_each_of_their_languages(code):
    pack = read_pack(Path(settings.COUNTRIES_DIR) / code)  # raises on any gap
    for kind, labels in DOCUMENT_LABELS.items():
        template = pack.raw["documents"][kind]
        assert set(template) == set(labels)
        assert all(set(texts) == set(pack.languages) for texts in template.values())
