"""Running numbers that are unique, never reused and never wait on each other.

On PostgreSQL a sequence per series: ``nextval`` takes no row lock and is not rolled
back, so concurrent writers never queue on a counter row and a number once drawn is never
drawn again (gaps allowed). SQLite has one writer at a time anyway: there the caller keeps
a counter row in its own transaction (``uses_sequences()`` tells which).
"""

from collections.abc import Callable

from django.db import IntegrityError, ProgrammingError, transaction

_SEQUENCES: set[str] = set()  # sequences this process has seen committed


def uses_sequences() -> bool:
    return transaction.get_connection().vendor == "postgresql"


def next_value(name: str, start_after: Callable[[], int]) -> int:
    """The next number of the sequence ``name`` ([a-z0-9_]), created on first use to start
    after ``start_after()`` (numbers already given before it existed)."""
    connection = transaction.get_connection()
    with connection.cursor() as cursor:
        if name not in _SEQUENCES:
            last = start_after()
            try:
                with transaction.atomic():  # a savepoint: another may create it too
                    cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {name} "
                                   f"START WITH {int(last) + 1}")
            except (IntegrityError, ProgrammingError):
                pass
            transaction.on_commit(lambda: _SEQUENCES.add(name))
        cursor.execute("SELECT nextval(%s)", [name])
        return cursor.fetchone()[0]
