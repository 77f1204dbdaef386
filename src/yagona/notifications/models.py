from django.conf import settings
from django.db import models


class InboxItem(models.Model):
    """An in-portal notification. The text is rendered at read time in the reader's language."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="inbox")
    application = models.ForeignKey("applications.Application", null=True, blank=True,
                                    on_delete=models.CASCADE, related_name="notifications")
    event = models.CharField(max_length=32)  # an application action: submit, approve ...
    params = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    @property
    def title(self) -> str:
        from yagona.notifications.messages import title

        return title(self)

    @property
    def body(self) -> str:
        from yagona.notifications.messages import body

        return body(self)
