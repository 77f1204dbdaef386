"""The personal account: the person's applications at a glance, their registers and
who used their data, consents and the inbox."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yagona.accounts import queries as accounts
from yagona.applications import queries as applications
from yagona.applications.workflow import ENDED, Status
from yagona.core.permissions import SIGNED_IN, permission
from yagona.notifications import queries as inbox_queries
from yagona.notifications import services as inbox_services
from yagona.portal.views import _int

ACCOUNT_ROWS = 20


@permission(SIGNED_IN)
def account(request):
    """The personal account: the latest applications by group, each group bounded."""
    latest = list(applications.listed_for_applicant(request.user)
                  .order_by("-updated_at")[: 3 * ACCOUNT_ROWS + 1])
    groups = {"drafts": [a for a in latest if a.status == Status.DRAFT],
              "current": [a for a in latest if a.status not in ENDED
                          and a.status != Status.DRAFT],
              "past": [a for a in latest if a.status in ENDED]}
    return render(request, "portal/account.html", {
        **{name: rows[:ACCOUNT_ROWS] for name, rows in groups.items()},
        "more": len(latest) > 3 * ACCOUNT_ROWS or
        any(len(rows) > ACCOUNT_ROWS for rows in groups.values()),
        "parties": accounts.parties_for(request.user),
        "unread": inbox_queries.unread_count(request.user),
    })


@permission(SIGNED_IN)
def my_registers(request):
    """What the state's base registries hold about the signed-in person."""
    from yagona.registries import queries as registries

    return render(request, "portal/registers.html", {"records": [
        {"registry": registry, "updated_at": record.updated_at,
         "rows": registries.display_rows(schema, record.data)}
        for registry, schema, record in registries.own_records(request.user)]})


@permission(SIGNED_IN)
def report_wrong_data(request, code):
    """The person tells the keepers of a register that their record is wrong."""
    from yagona.registries import queries as registries
    from yagona.registries import services as registry_services

    found = {registry.code: (registry, schema, record)
             for registry, schema, record in registries.own_records(request.user)}
    if code not in found:
        raise Http404
    registry, schema, record = found[code]
    errors, values = {}, {"field": request.GET.get("field", ""), "text": ""}
    if request.method == "POST":
        values = {"field": request.POST.get("field", ""),
                  "text": request.POST.get("text", "")}
        try:
            registry_services.request_correction(request.user, code, values["field"],
                                                 values["text"])
        except ValidationError as exc:
            errors = {k: v[0] for k, v in exc.message_dict.items()}
        else:
            messages.success(request, _("Your report is sent to the agency that keeps the "
                                        "register."))
            return redirect("portal:registers")
    return render(request, "portal/report_wrong_data.html", {
        "registry": registry, "errors": errors, "values": values,
        "fields": [(f, registries.display_label(schema, f)) for f in schema.fields
                   if f in record.data],
    }, status=400 if errors else 200)


@permission(SIGNED_IN)
def data_usage(request):
    """Who used my data: every read of the person's records in the state registers, by
    which agency, official or information system, for what and when."""
    from datetime import date

    from yagona.registries import queries as registries

    def day(name):
        try:
            return date.fromisoformat(request.GET.get(name, ""))
        except ValueError:
            return None

    filters = {"agency": request.GET.get("agency", ""), "since": day("from"),
               "until": day("to")}
    rows, readers = registries.reads_of_person(request.user, **filters)
    return render(request, "portal/data_usage.html", {
        "rows": _explained(request.user, rows), "readers": readers, "filters": filters,
        "limit": registries.MAX_READS_SHOWN})


def _explained(user, rows):
    """Each read with what it was for (the application: its number and service; the
    consent's purpose; else the legal ground: the keeper's own work or the access the
    keeper gave) and the reader's role in their agency, never a bare user name."""
    found = applications.by_references(user, [row["purpose"] for row in rows])
    roles = accounts.roles_of_officials(
        (row["official"], row["agency"].code) for row in rows if row["agency"])
    for row in rows:
        row["application"] = found.get(row["purpose"])
        row["yours"] = row["official"] == user.username
        row["roles"] = roles.get((row["official"], row["agency"] and row["agency"].code), [])
    return rows


@permission(SIGNED_IN)
def consents(request):
    """The person's consents: organisations outside government that may read some of
    their data through the exchange, for a purpose and a time; given and revoked here."""
    from datetime import date

    from yagona.exchange import queries as exchange
    from yagona.exchange import services as exchange_services
    from yagona.registries import queries as registries
    from yagona.registries import services as registry_services

    errors, values = {}, {}
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            registry_services.revoke_consent(request.user, _int(request.POST.get("consent")))
            messages.success(request, _("The consent is revoked."))
            return redirect("portal:consents")
        values = {"registry": request.POST.get("registry", ""),
                  "member": request.POST.get("member", ""),
                  "fields": request.POST.getlist("fields"),
                  "purpose": request.POST.get("purpose", "").strip(),
                  "until": request.POST.get("until", "")}
        try:
            until = date.fromisoformat(values["until"])
        except ValueError:
            until = None
        try:
            exchange_services.give_consent(request.user, values["registry"],
                                           values["member"], values["fields"],
                                           values["purpose"], until)
        except ValidationError as exc:
            errors = {k: v[0] for k, v in exc.message_dict.items()}
        else:
            messages.success(request, _("The consent is given."))
            return redirect("portal:consents")
    own = registries.own_records(request.user)
    return render(request, "portal/consents.html", {
        "consents": registries.consents_of(request.user), "errors": errors, "values": values,
        "organisations": exchange.organisations(),
        "registers": [(registry, [(f, registries.display_label(schema, f))
                                  for f in schema.fields if f in record.data])
                      for registry, schema, record in own],
        "today": timezone.localdate(),
    }, status=400 if errors else 200)


@permission(SIGNED_IN)
def inbox(request):
    return render(request, "portal/inbox.html", {"items": inbox_queries.inbox(request.user)[:100]})


@permission(SIGNED_IN)
@require_POST
def inbox_read(request, item_id):
    inbox_services.mark_read(request.user, item_id)
    return redirect("portal:inbox")
