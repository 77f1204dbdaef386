"""Registration numbers: the pack's format (AGENCY-YYYY-NNNNNN by default), unique, never
reused, drawn at submission."""

from django.db import IntegrityError, ProgrammingError, transaction

from yagona.applications.models import Application, RegistrationCounter
from yagona.core.countries import active_pack

_SEQUENCES: set[str] = set()  # sequences this process has seen committed


def _next_registration_number(agency_code: str, year: int) -> str:
    """The pack's format (AGENCY-YYYY-NNNNNN by default), unique, never reused; gaps allowed.

    On PostgreSQL a sequence per agency and year: ``nextval`` takes no row lock and is
    not rolled back, so concurrent submissions never wait on each other and a number
    once drawn is never drawn again. SQLite has one writer at a time anyway: there a
    counter row in the submitting transaction does the same.
    """
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        name = f"regno_{agency_code.lower()}_{year}"  # agency codes are [A-Z]{2,16}
        with connection.cursor() as cursor:
            if name not in _SEQUENCES:
                # Start after any number already given (data moved in, an older counter).
                prefix = active_pack().registration_prefix(agency_code, year)
                last = max([int(n[len(prefix):]) for n in Application.objects.filter(
                    registration_number__startswith=prefix).values_list(
                    "registration_number", flat=True).order_by("-registration_number")[:1]],
                    default=0)
                try:
                    with transaction.atomic():  # a savepoint: another may create it too
                        cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {name} "
                                       f"START WITH {last + 1}")
                except (IntegrityError, ProgrammingError):
                    pass
                transaction.on_commit(lambda: _SEQUENCES.add(name))
            cursor.execute("SELECT nextval(%s)", [name])
            number = cursor.fetchone()[0]
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
