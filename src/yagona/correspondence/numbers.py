"""Registration numbers of documents: the journal's format from the pack (e.g.
``{case}/{seq}/{yy}``), the running number per journal and year (core.sequences)."""

from yagona.core import sequences
from yagona.core.pack_correspondence import NumberFormat
from yagona.correspondence.models import Document, Journal, JournalCounter


def draw(journal: Journal, year: int, case_index: str = "") -> tuple[int, str]:
    """The next running number of ``journal`` in ``year`` and the number it makes."""
    if sequences.uses_sequences():
        def last_given() -> int:  # documents moved in before the sequence existed
            return Document.objects.filter(journal=journal, year=year).order_by(
                "-sequence").values_list("sequence", flat=True).first() or 0

        seq = sequences.next_value(f"journal_{journal.pk}_{year}", last_given)
    else:
        counter, _ = JournalCounter.objects.select_for_update().get_or_create(
            journal=journal, year=year)
        counter.last += 1
        counter.save(update_fields=["last"])
        seq = counter.last
    number = NumberFormat(journal.number_format).render(
        agency=journal.agency.code, journal=journal.code, seq=seq, year=year, case=case_index)
    return seq, number
