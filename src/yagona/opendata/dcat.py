"""The catalogue as DCAT-AP 3.0 (rdflib): a dcat:Catalog of the published datasets, each
with its distributions, publisher, contact point, themes, period and licence, in every
language of the pack (language-tagged literals). Served a page at a time, as
ckanext-dcat pages its catalogue (hydra:PartialCollectionView), so that a harvester
follows the pages and no request holds the whole catalogue in memory.

Vocabularies: the EU Publications Office's authority tables (themes, frequencies, file
types, vocabulary.py), IANA media types, SPDX checksums, the Library of Congress's
ISO 639-1 language URIs."""

from django.urls import reverse
from django.utils import translation
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, RDFS, SKOS, XSD

from yagona.agencies.models import Agency
from yagona.core.countries import active_pack
from yagona.opendata.models import Dataset
from yagona.opendata.vocabulary import (
    FORMATS,
    LICENCES,
    THEMES,
    format_uri,
    frequency_uri,
    theme_uri,
)

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
IANA = "https://www.iana.org/assignments/media-types/"
THEMES_SCHEME = URIRef("http://publications.europa.eu/resource/authority/data-theme")
PAGE_SIZE = 100
FORMATS_OUT = {"ttl": "turtle", "jsonld": "json-ld", "rdf": "pretty-xml", "xml": "pretty-xml"}
MEDIA_TYPES = {"ttl": "text/turtle", "jsonld": "application/ld+json",
               "rdf": "application/rdf+xml", "xml": "application/rdf+xml"}


def _graph() -> Graph:
    graph = Graph()
    for prefix, namespace in (("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF),
                              ("hydra", HYDRA), ("spdx", SPDX), ("vcard", VCARD),
                              ("skos", SKOS), ("adms", ADMS), ("owl", OWL)):
        graph.bind(prefix, namespace)
    return graph


def _texts(graph, subject, predicate, texts: dict) -> None:
    for language, text in (texts or {}).items():
        if text:
            graph.add((subject, predicate, Literal(text, lang=language)))


def _language(code: str) -> URIRef:
    return URIRef(f"http://id.loc.gov/vocabulary/iso639-1/{code}")


def _agent(graph, base: str, agency) -> URIRef:
    agent = URIRef(f"{base}/agencies/{agency.code}/")
    graph.add((agent, RDF.type, FOAF.Agent))
    _texts(graph, agent, FOAF.name, agency.name)
    kind = URIRef("http://purl.org/adms/publishertype/NationalAuthority")
    graph.add((agent, DCTERMS.type, kind))
    graph.add((kind, RDF.type, SKOS.Concept))
    graph.add((kind, SKOS.prefLabel, Literal("National authority", lang="en")))
    return agent


def _dataset(graph, base: str, dataset: Dataset) -> URIRef:
    node = URIRef(base + reverse("portal:dataset", args=[dataset.name]))
    graph.add((node, RDF.type, DCAT.Dataset))
    _texts(graph, node, DCTERMS.title, dataset.title)
    _texts(graph, node, DCTERMS.description, dataset.description or dataset.title)
    graph.add((node, DCTERMS.identifier, Literal(str(dataset.uuid))))
    graph.add((node, DCAT.landingPage, _document(graph, node)))
    graph.add((node, DCTERMS.publisher, _agent(graph, base, dataset.agency)))
    graph.add((node, OWL.versionInfo, Literal(str(dataset.version))))
    for language, words in dataset.keywords.items():
        for word in words:
            graph.add((node, DCAT.keyword, Literal(word, lang=language)))
    for code in dataset.themes:
        theme = URIRef(theme_uri(code))
        graph.add((node, DCAT.theme, theme))
        graph.add((theme, RDF.type, SKOS.Concept))
        graph.add((theme, SKOS.inScheme, THEMES_SCHEME))
        for language in active_pack().languages:
            with translation.override(language):
                graph.add((theme, SKOS.prefLabel, Literal(str(THEMES[code]), lang=language)))
    frequency = URIRef(frequency_uri(dataset.frequency))
    graph.add((node, DCTERMS.accrualPeriodicity, frequency))
    graph.add((frequency, RDF.type, DCTERMS.Frequency))
    if dataset.published_at:
        graph.add((node, DCTERMS.issued, Literal(dataset.published_at, datatype=XSD.dateTime)))
    graph.add((node, DCTERMS.modified, Literal(dataset.modified_at, datatype=XSD.dateTime)))
    if dataset.temporal_start or dataset.temporal_end:
        period = BNode()
        graph.add((node, DCTERMS.temporal, period))
        graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
        for predicate, day in ((DCAT.startDate, dataset.temporal_start),
                               (DCAT.endDate, dataset.temporal_end)):
            if day:
                graph.add((period, predicate, Literal(day, datatype=XSD.date)))
    if dataset.spatial:
        place = BNode()
        graph.add((node, DCTERMS.spatial, place))
        graph.add((place, RDF.type, DCTERMS.Location))
        _texts(graph, place, SKOS.prefLabel, dataset.spatial)
    contact = BNode()
    graph.add((node, DCAT.contactPoint, contact))
    graph.add((contact, RDF.type, VCARD.Kind))
    graph.add((contact, RDF.type, VCARD.Organization))
    _texts(graph, contact, VCARD.fn, dataset.agency.name)
    if dataset.contact_email:
        graph.add((contact, VCARD.hasEmail, URIRef(f"mailto:{dataset.contact_email}")))
    for resource in dataset.resources.all():
        graph.add((node, DCAT.distribution, _distribution(graph, base, dataset, resource)))
    return node


def _document(graph, url) -> URIRef:
    graph.add((url, RDF.type, FOAF.Document))
    return url


def _distribution(graph, base: str, dataset: Dataset, resource) -> URIRef:
    page = base + reverse("portal:data-resource", args=[dataset.name, resource.uuid])
    node = URIRef(page + "#distribution")
    graph.add((node, RDF.type, DCAT.Distribution))
    _texts(graph, node, DCTERMS.title, resource.name)
    _texts(graph, node, DCTERMS.description, resource.description)
    graph.add((node, DCTERMS.format, URIRef(format_uri(resource.format))))
    graph.add((URIRef(format_uri(resource.format)), RDF.type, DCTERMS.MediaTypeOrExtent))
    licence = URIRef(LICENCES[dataset.licence][1]) if dataset.licence in LICENCES else None
    if licence:
        graph.add((node, DCTERMS.license, licence))
        graph.add((licence, RDF.type, DCTERMS.LicenseDocument))
    graph.add((node, DCTERMS.modified, Literal(resource.modified_at, datatype=XSD.dateTime)))
    if resource.stored:
        download = URIRef(base + reverse("portal:data-download",
                                         args=[dataset.name, resource.uuid]))
        graph.add((node, DCAT.accessURL, _resource(graph, page)))
        graph.add((node, DCAT.downloadURL, _resource(graph, download)))
        graph.add((node, DCAT.byteSize, Literal(resource.stored.size,
                                                datatype=XSD.nonNegativeInteger)))
        media = URIRef(IANA + FORMATS[resource.format].media_type)
        graph.add((node, DCAT.mediaType, media))
        graph.add((media, RDF.type, DCTERMS.MediaType))
        checksum = BNode()
        graph.add((node, SPDX.checksum, checksum))
        graph.add((checksum, RDF.type, SPDX.Checksum))
        graph.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        graph.add((SPDX.checksumAlgorithm_sha256, RDF.type, SPDX.ChecksumAlgorithm))
        graph.add((checksum, SPDX.checksumValue, Literal(resource.stored.sha256,
                                                         datatype=XSD.hexBinary)))
    else:
        graph.add((node, DCAT.accessURL, _resource(graph, resource.url)))
    return node


def _resource(graph, url) -> URIRef:
    graph.add((URIRef(url), RDF.type, RDFS.Resource))
    return URIRef(url)


def catalogue_page(base: str, page: int, catalogue_url: str) -> Graph | None:
    """One page of the catalogue (1-based), None past the last. ``base`` is the site's
    address (scheme and host), ``catalogue_url`` the page's address without ?page."""
    published = Dataset.objects.filter(state=Dataset.State.PUBLISHED).order_by("-modified_at",
                                                                                 "pk")
    total = published.count()
    last = max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE)
    if not 1 <= page <= last:
        return None
    pack = active_pack()
    graph = _graph()
    catalogue = URIRef(base + "/data/")
    described = pack.raw.get("opendata") or {}
    graph.add((catalogue, RDF.type, DCAT.Catalog))
    _texts(graph, catalogue, DCTERMS.title, described.get("title") or pack.name)
    _texts(graph, catalogue, DCTERMS.description,
           described.get("description") or described.get("title") or pack.name)
    publisher = Agency.objects.filter(code=described.get("publisher")).first()
    if publisher:
        graph.add((catalogue, DCTERMS.publisher, _agent(graph, base, publisher)))
    graph.add((catalogue, FOAF.homepage, _document(graph, catalogue)))
    graph.add((catalogue, DCAT.themeTaxonomy, THEMES_SCHEME))
    graph.add((THEMES_SCHEME, RDF.type, SKOS.ConceptScheme))
    graph.add((THEMES_SCHEME, DCTERMS.title, Literal("Data theme", lang="en")))
    for code in pack.languages:
        graph.add((catalogue, DCTERMS.language, _language(code)))
        graph.add((_language(code), RDF.type, DCTERMS.LinguisticSystem))
    rows = (published.select_related("agency").prefetch_related("resources__stored")
            [(page - 1) * PAGE_SIZE:page * PAGE_SIZE])
    for dataset in rows:
        graph.add((catalogue, DCAT.dataset, _dataset(graph, base, dataset)))
    view = URIRef(f"{catalogue_url}?page={page}")
    graph.add((view, RDF.type, HYDRA.PartialCollectionView))
    graph.add((view, HYDRA.totalItems, Literal(total, datatype=XSD.integer)))
    graph.add((view, HYDRA.itemsPerPage, Literal(PAGE_SIZE, datatype=XSD.integer)))
    graph.add((view, HYDRA.first, URIRef(f"{catalogue_url}?page=1")))
    graph.add((view, HYDRA.last, URIRef(f"{catalogue_url}?page={last}")))
    if page > 1:
        graph.add((view, HYDRA.previous, URIRef(f"{catalogue_url}?page={page - 1}")))
    if page < last:
        graph.add((view, HYDRA.next, URIRef(f"{catalogue_url}?page={page + 1}")))
    return graph
