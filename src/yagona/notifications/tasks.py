"""Background jobs: e-mail copies of inbox entries, retried when SMTP fails."""

from django.core.mail import send_mail
from django.utils import timezone, translation
from huey.contrib.djhuey import db_task

from yagona.notifications import messages
from yagona.notifications.models import InboxItem


@db_task(retries=5, retry_delay=60)
def email_notification(item_id: int) -> None:
    item = InboxItem.objects.select_related("recipient").filter(pk=item_id).first()
    if item is None or item.emailed_at or not item.recipient.email:
        return
    from yagona.core.countries import active_pack

    with translation.override(item.recipient.language or active_pack().default_language):
        send_mail(messages.title(item), messages.body(item), None, [item.recipient.email])
    InboxItem.objects.filter(pk=item_id).update(emailed_at=timezone.now())
