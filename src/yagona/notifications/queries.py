from yagona.notifications.models import InboxItem


def inbox(user):
    return InboxItem.objects.filter(recipient=user).select_related("application")


def unread_count(user) -> int:
    return InboxItem.objects.filter(recipient=user, read_at__isnull=True).count()
