"""The texts of the documents the platform issues, as pack data (pack.yaml ``documents``).

A document's labels are printed in the state language and the reader's, so each label is
a text per pack language, checked here with the rest of pack.yaml: a document must never
be issued with a label missing. The renderer (``signing/render.py``) reads them.
"""

import string

from yagona.core.countries import check_texts

# Every label of each document; a pack lists all of them, in every language.
DOCUMENT_LABELS: dict[str, tuple[str, ...]] = {
    "decision": (
        "title_approved",  # the heading of a decision that grants the application
        "title_rejected",  # ... that refuses it
        "number",          # the application's registration number
        "date",            # the date of the decision
        "applicant",
        "applicant_id",    # the applicant's national ID or business registration number
        "service",
        "decision",        # the row that says granted / refused
        "approved",
        "rejected",
        "reason",          # the official's grounds for the decision
        "official",        # the official who decided
        "verify",          # "signed electronically; verify it at" (the address follows)
        "document_id",
        "page",            # "Page {page} of {pages}"
    ),
    # What a base register holds about a person, sealed by the agency that keeps it.
    "extract": (
        "title",           # "Extract from a state register"
        "registry",        # the register's name
        "keeper",          # the agency that keeps it
        "person_id",       # the person's national ID
        "changed",         # when the record last changed
        "issued",          # the date of the extract
        "record",          # the heading of the record's fields
        "sealed_by",       # above the seal's band: the keeper's name follows
        "verify",
        "document_id",
        "page",
    ),
}
# Labels filled in when printed: exactly these {names}, no others.
PLACEHOLDERS: dict[tuple[str, str], set[str]] = {
    ("decision", "page"): {"page", "pages"}, ("extract", "page"): {"page", "pages"}}


def _fields(text: str) -> set[str] | None:
    """The {names} in ``text``; None when it is not a valid format string."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:
        return None


def document_problems(data: dict, languages, where: str) -> list[str]:
    """Problems of pack.yaml's ``documents``, each named with its path
    (``pack.yaml: documents.decision.page: missing text in 'ru'``)."""
    found: list[str] = []
    documents = data.get("documents")
    if not isinstance(documents, dict):
        return [f"{where}: documents: expected {{{', '.join(DOCUMENT_LABELS)}}}, each a "
                "mapping of labels (see docs/country-packs.md)"]
    for kind in sorted(set(documents) - set(DOCUMENT_LABELS), key=str):
        found.append(f"{where}: documents.{kind}: unknown document "
                     f"(known: {', '.join(DOCUMENT_LABELS)})")
    for kind, labels in DOCUMENT_LABELS.items():
        template = documents.get(kind)
        if not isinstance(template, dict):
            found.append(f"{where}: documents.{kind}: expected the labels "
                         f"{', '.join(labels)}")
            continue
        for key in sorted(set(template) - set(labels), key=str):
            found.append(f"{where}: documents.{kind}.{key}: unknown label "
                         f"(known: {', '.join(labels)})")
        for label in labels:
            path = f"{where}: documents.{kind}.{label}"
            if label not in template:
                found.append(f"{path}: missing")
                continue
            check_texts(template[label], languages, path, found)
            wanted = PLACEHOLDERS.get((kind, label), set())
            texts = template[label] if isinstance(template[label], dict) else {}
            for language, text in texts.items():
                if isinstance(text, str) and _fields(text) != wanted:
                    names = " and ".join(f"{{{name}}}" for name in sorted(wanted))
                    found.append(f"{path}.{language}: " + (
                        f"the text must hold {names}" if wanted else "no {name} here")
                        + " (write a brace as {{ or }})")
    return found
