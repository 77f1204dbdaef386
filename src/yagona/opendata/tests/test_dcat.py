"""The DCAT-AP 3.0 catalogue, as a harvester reads it: every format parses to the same
graph, the graph conforms to SEMIC's SHACL shapes (pyshacl), and the pages link on."""

from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

from yagona.opendata import dcat
from yagona.opendata.tests.conftest import dataset

pytestmark = pytest.mark.django_db
SHAPES = Path(__file__).parent / "shapes" / "dcat-ap-3.0.0-shacl.jsonld"
HYDRA = dcat.HYDRA


@pytest.fixture(scope="module")
def shapes():
    return Graph().parse(SHAPES, format="json-ld")


def catalogue(client, fmt="ttl", page=1) -> Graph:
    response = client.get(f"/catalog.{fmt}?page={page}")
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith(dcat.MEDIA_TYPES[fmt])
    return Graph().parse(data=response.content, format={
        "ttl": "turtle", "jsonld": "json-ld", "rdf": "xml"}[fmt])


def test_the_catalogue_conforms_to_the_dcat_ap_shapes(client, publishers, shapes):
    dataset(publishers["reg"], "births", themes=["SOCI", "HEAL"],
            keywords={"en": ["births"], "ru": ["рождения"]}, temporal_start="2020-01-01",
            temporal_end="2024-12-31", spatial={"en": "Testland", "ru": "Тестландия"},
            title={"en": "Births", "ru": "Рождения"})
    dataset(publishers["tax"], "tax-revenue", agency="TAX", frequency="MONTHLY")
    graph = catalogue(client)
    conforms, _report, text = validate(graph, shacl_graph=shapes, inference="none")
    assert conforms, text
    node = URIRef("http://testserver/data/births/")
    assert (node, RDF.type, DCAT.Dataset) in graph
    assert (node, DCTERMS.title, Literal("Рождения", lang="ru")) in graph
    assert (node, DCAT.theme, URIRef(
        "http://publications.europa.eu/resource/authority/data-theme/SOCI")) in graph
    assert len(set(graph.subjects(RDF.type, DCAT.Dataset))) == 2
    distribution = next(graph.objects(node, DCAT.distribution))
    download = str(next(graph.objects(distribution, DCAT.downloadURL)))
    assert client.get(download.removeprefix("http://testserver")).status_code == 200


def test_a_graph_that_breaks_the_shapes_is_caught(client, publishers, shapes):
    """The check can fail: a dataset without a description does not conform."""
    dataset(publishers["reg"], "births")
    graph = catalogue(client)
    for triple in list(graph.triples((None, DCTERMS.description, None))):
        graph.remove(triple)
    conforms, _report, _text = validate(graph, shacl_graph=shapes, inference="none")
    assert not conforms


def test_every_format_says_the_same(client, publishers):
    dataset(publishers["reg"], "births")
    turtle = catalogue(client, "ttl")
    for fmt in ("jsonld", "rdf"):
        assert len(catalogue(client, fmt)) == len(turtle)


def test_the_catalogue_is_paged_for_harvesters(client, publishers, monkeypatch):
    monkeypatch.setattr(dcat, "PAGE_SIZE", 2)
    for n in range(5):
        dataset(publishers["reg"], f"set-{n}")
    first, last = catalogue(client, page=1), catalogue(client, page=3)
    view = URIRef("http://testserver/catalog.ttl?page=1")
    assert (view, HYDRA.totalItems, Literal(5)) in first
    assert (view, HYDRA.next, URIRef("http://testserver/catalog.ttl?page=2")) in first
    assert len(set(last.subjects(RDF.type, DCAT.Dataset))) == 1
    assert client.get("/catalog.ttl?page=4").status_code == 404
    assert client.get("/catalog.ttl?page=x").status_code == 404
