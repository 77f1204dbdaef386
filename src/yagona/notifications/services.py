from django.db import transaction
from django.http import Http404
from django.utils import timezone

from yagona.notifications.models import InboxItem


def notify(recipients, application, event: str, params: dict) -> None:
    """Write inbox entries in the caller's transaction; e-mail them after commit."""
    from yagona.notifications.tasks import email_notification

    for user in {user.pk: user for user in recipients if user is not None}.values():
        item = InboxItem.objects.create(recipient=user, application=application, event=event,
                                        params=params)
        if user.email:
            transaction.on_commit(lambda pk=item.pk: email_notification(pk))


def mark_read(user, item_id: int) -> None:
    updated = InboxItem.objects.filter(pk=item_id, recipient=user, read_at__isnull=True) \
        .update(read_at=timezone.now())
    if not updated and not InboxItem.objects.filter(pk=item_id, recipient=user).exists():
        raise Http404


def mark_all_read(user) -> None:
    InboxItem.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def notify_data_read(person, reader: str, reader_name, registry: str, registry_name) -> None:
    """Tell a person that an agency (or a member outside government) read their record
    outside any application of theirs; once a day per reader and register, however many
    reads. Names are kept in every language they have, so the notice is read in the
    reader's language."""
    today = timezone.localdate()
    if InboxItem.objects.filter(recipient=person, event="data_read", created_at__date=today,
                                params__reader=reader, params__register=registry).exists():
        return
    notify([person], None, "data_read", {"agency": reader_name, "registry": registry_name,
                                         "reader": reader, "register": registry})
