"""Appeal numbers: one series for the platform, restarting each year, in the pack's format
(appeals.yaml ``number``), drawn at submission (core.sequences), never reused."""

from datetime import datetime

from yagona.appeals.models import Appeal, Counter
from yagona.core import sequences
from yagona.core.countries import active_pack
from yagona.core.pack_correspondence import NumberFormat


def _new_year(year: int) -> datetime:
    """The first moment of ``year`` in the country's zone (numbers follow its calendar)."""
    return datetime(year, 1, 1, tzinfo=active_pack().zone)


def next_number(rules, year: int) -> str:
    form = NumberFormat(rules.number_format)
    if sequences.uses_sequences():
        def last_given() -> int:  # appeals numbered before the sequence existed
            return Appeal.objects.filter(submitted_at__gte=_new_year(year),
                                         submitted_at__lt=_new_year(year + 1)).count()

        seq = sequences.next_value(f"appeal_no_{year}", last_given)
    else:
        counter, _ = Counter.objects.select_for_update().get_or_create(year=year)
        counter.last += 1
        counter.save(update_fields=["last"])
        seq = counter.last
    return form.render(agency="", journal="", seq=seq, year=year)
