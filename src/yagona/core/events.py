"""In-process events: how a lower room lets higher ones react without importing them.

A service publishes after its audit entry, inside its transaction; the subscribers run
at once, in that transaction, so what they write (an inbox entry) commits or rolls back
with the change, and their jobs go after commit (``on_commit``). Payloads are ids and
small values, never model instances: a subscriber reads what it needs through the
publisher's ``queries.py``. Higher rooms subscribe in their ``AppConfig.ready()``.

Events (name: payload):
- ``application.stepped``: application (pk), action, note — a workflow step
- ``application.message``: application (pk), from_agency — a message was written
- ``registry.record_read``: people (person IDs the record names), registry (code),
  reader (agency code or organisation name), purpose — a read of a personal record
- ``registry.correction_answered``: request (pk) — a keeper answered a correction request
- ``correspondence.assigned``: resolution (pk), assignments (pks) — a head's resolution
  named executors of a document, with their deadlines
- ``correspondence.reminder``: assignment (pk), kind (``due_soon``, ``due_today``,
  ``overdue``) — an open task's deadline is near, today or past (once a day at most)
- ``correspondence.deadline_extended``: assignment (pk) — a head moved a task's deadline
- ``correspondence.assignment_done``: assignment (pk) — an executor completed a task (the
  responsible executor's completion completes the document)
"""

from collections import defaultdict
from collections.abc import Callable

_subscribers: dict[str, list[Callable]] = defaultdict(list)


def subscribe(name: str):
    """Decorator: call the function with the payload of every ``name`` event."""
    def register(handler: Callable) -> Callable:
        if handler not in _subscribers[name]:  # ready() may run twice (tests)
            _subscribers[name].append(handler)
        return handler
    return register


def unsubscribe(name: str, handler: Callable) -> None:
    if handler in _subscribers[name]:
        _subscribers[name].remove(handler)


def publish(name: str, **payload) -> None:
    for handler in list(_subscribers[name]):
        handler(**payload)
