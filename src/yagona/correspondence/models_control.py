"""Resolutions and control: a head's resolution on a document, the executors it names
with their control deadlines, the reminders sent about them, and the pack's reminder
rules. Commands: resolutions.py; reads: control.py (docs/document-flow.md)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

__all__ = ["Assignment", "ControlSettings", "Reminder", "Resolution"]


class Resolution(models.Model):
    """A head's resolution on a registered document: what is to be done, by whom
    (``assignments``: one responsible executor, any co-executors) and by when."""

    document = models.ForeignKey("correspondence.Document", on_delete=models.CASCADE,
                                 related_name="resolutions")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    text = models.TextField()
    written_at = models.DateTimeField()

    class Meta:
        ordering = ["written_at", "pk"]

    def __str__(self):
        return f"{self.document} {self.written_at:%Y-%m-%d}"


class Assignment(models.Model):
    """One executor's task under a resolution, with its control deadline (a date of the
    pack's zone). The responsible executor's completion completes the document;
    co-executors report to them. Open tasks left when the document is done are closed."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        CLOSED = "closed", _("Closed with the document")

    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE,
                                   related_name="assignments")
    executor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="document_assignments")
    responsible = models.BooleanField(default=False)
    deadline = models.DateField()
    state = models.CharField(max_length=8, choices=State.choices, default=State.OPEN)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)
    answer = models.ForeignKey("correspondence.Document", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="answered_assignments")

    class Meta:
        ordering = ["deadline", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["resolution", "executor"],
                                    name="one_assignment_per_executor"),
            models.UniqueConstraint(fields=["resolution"], condition=Q(responsible=True),
                                    name="one_responsible_per_resolution"),
        ]
        indexes = [models.Index(fields=["executor", "state", "deadline"],
                                name="assignment_executor_idx"),
                   models.Index(fields=["state", "deadline"], name="assignment_deadline_idx")]

    def __str__(self):
        return f"{self.resolution.document} {self.executor} {self.deadline}"


class Reminder(models.Model):
    """A reminder sent about an open assignment: at most one a day of each kind; one
    ``due_soon`` per deadline (an extended deadline is reminded of again)."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("Due soon")
        DUE_TODAY = "due_today", _("Due today")
        OVERDUE = "overdue", _("Overdue")

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE,
                                   related_name="reminders")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    day = models.DateField()  # the pack zone's date it was sent on
    deadline = models.DateField()  # the deadline it reminded of
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["day", "pk"]
        constraints = [models.UniqueConstraint(fields=["assignment", "kind", "day"],
                                               name="one_reminder_a_day")]


class ControlSettings(models.Model):
    """The active pack's reminder rules (correspondence.yaml ``reminders``), kept at
    load: one row. Without one the defaults of core.pack_correspondence hold."""

    before_working_days = models.PositiveSmallIntegerField()
    hour = models.PositiveSmallIntegerField()  # reminders go from this hour of the day
    loaded_at = models.DateTimeField(auto_now=True)
