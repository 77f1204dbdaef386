from django.db import models

from yagona.core.text import localized


class Agency(models.Model):
    """A government body. Texts are mappings from language code to text."""

    code = models.CharField(max_length=16, unique=True)  # registration-number prefix
    name = models.JSONField()
    short_name = models.JSONField(default=dict)
    website = models.URLField(blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=64, blank=True)
    address = models.JSONField(default=dict)
    head = models.JSONField(default=dict)  # {"name": {...}, "title": {...}}
    digital_official = models.JSONField(default=dict)
    # Where and when people are received: [{"address": {...}, "hours": [{"days": [1, 2],
    # "open": "08:00", "close": "17:00"}]}], pack data (agencies.yaml).
    offices = models.JSONField(default=list)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "agencies"

    def __str__(self):
        return localized(self.name)

    @property
    def display_name(self) -> str:
        return localized(self.name)

    @property
    def display_short_name(self) -> str:
        return localized(self.short_name) or self.display_name


class Department(models.Model):
    """A unit of an agency (pack data, agencies.yaml ``departments``): where officials
    work, what document-flow control reports group by, and the first part of a case
    index in the file plan ('01-05': department 01)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="departments")
    code = models.CharField(max_length=8)
    name = models.JSONField()
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["agency", "order"]
        constraints = [models.UniqueConstraint(fields=["agency", "code"],
                                               name="one_department_code_per_agency")]

    def __str__(self):
        return f"{self.agency.code}/{self.code} {localized(self.name)}"
