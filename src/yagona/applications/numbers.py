"""Registration numbers: the pack's format (AGENCY-YYYY-NNNNNN by default), unique, never
reused, drawn at submission (core.sequences)."""

from yagona.applications.models import Application, RegistrationCounter
from yagona.core import sequences
from yagona.core.countries import active_pack


def _next_registration_number(agency_code: str, year: int) -> str:
    """The pack's format (AGENCY-YYYY-NNNNNN by default), unique, never reused; gaps allowed."""
    if sequences.uses_sequences():
        prefix = active_pack().registration_prefix(agency_code, year)

        def last_given() -> int:  # data moved in, an older counter
            return max([int(n[len(prefix):]) for n in Application.objects.filter(
                registration_number__startswith=prefix).values_list(
                "registration_number", flat=True).order_by("-registration_number")[:1]],
                default=0)

        # agency codes are [A-Z]{2,16}
        number = sequences.next_value(f"regno_{agency_code.lower()}_{year}", last_given)
    else:
        try:
            counter = RegistrationCounter.objects.select_for_update().get(
                agency_code=agency_code, year=year)
        except RegistrationCounter.DoesNotExist:
            counter = RegistrationCounter.objects.create(agency_code=agency_code, year=year)
        counter.last += 1
        counter.save(update_fields=["last"])
        number = counter.last
    return active_pack().registration_number(agency_code, year, number)
