"""Status, action and role codes of an application's history, as people call them:
{% load workflow %}{{ step|step_label }}."""

from django import template

from yagona.accounts.models import Role
from yagona.applications.workflow import ACTION_LABELS, ACTOR_LABELS, Status

register = template.Library()


@register.filter
def status_label(code):
    return Status(code).label if code in Status.values else code


@register.filter
def action_label(code):
    return ACTION_LABELS.get(code, code)


@register.filter
def role_label(code):
    return Role(code).label if code in Role.values else ACTOR_LABELS.get(code, code)


@register.filter
def step_label(step) -> str:
    """"Action → new status", the status left out when it says the same as the action
    ("Approved → Approved")."""
    action, status = action_label(_get(step, "action")), status_label(_get(step, "to_status"))
    return str(action) if str(action) == str(status) else f"{action} → {status}"


def _get(step, name):
    return step.get(name) if isinstance(step, dict) else getattr(step, name)
