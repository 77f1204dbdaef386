"""Appeal numbers: one series for the platform, restarting each year, in the pack's format
(appeals.yaml ``number``), drawn at submission (core.sequences), never reused."""

from yagona.appeals.models import Appeal, Counter
from yagona.core import sequences
from yagona.core.pack_correspondence import NumberFormat


def next_number(rules, year: int) -> str:
    form = NumberFormat(rules.number_format)
    if sequences.uses_sequences():
        def last_given() -> int:  # appeals moved in, or numbered before the sequence
            return Appeal.objects.filter(submitted_at__year=year).count()

        seq = sequences.next_value(f"appeal_no_{year}", last_given)
    else:
        counter, _ = Counter.objects.select_for_update().get_or_create(year=year)
        counter.last += 1
        counter.save(update_fields=["last"])
        seq = counter.last
    return form.render(agency="", journal="", seq=seq, year=year)
