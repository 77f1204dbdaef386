from django.core.management.base import BaseCommand, CommandError

from yagona.demo import data as demo
from yagona.demo.correspondence import DemoError


class Command(BaseCommand):
    help = ("Load the demo people, sample applications, correspondence, appeals and open "
            "datasets of the active pack (embedded mode).")

    def handle(self, *args, **options):
        try:
            loaded = demo.load_demo()
        except (RuntimeError, DemoError) as exc:
            raise CommandError(str(exc)) from exc
        code = demo.current_code()
        out = self.stdout.write
        out("")
        out(f"Demo sign-ins (password for all: {demo.DEMO_PASSWORD})")
        for person in loaded["citizens"]:
            out(f"  citizen        {person['person_id']:<12} {person['last_name']} "
                f"{person['first_name']}")
        for person in loaded["officials"]:
            extra = " (service centre)" if person.get("service_centre") else ""
            where = person.get("agency", "all agencies and the catalogue")
            out(f"  {person['role']:<16}{person['person_id']:<12} {person['last_name']} "
                f"{person['first_name']}, {where}{extra}")
        documents = loaded.get("documents") or []
        if documents:
            offices = ", ".join(sorted({document.agency.code for document in documents}))
            out(f"Registry offices: {len(documents)} demo documents ({offices}); a letter "
                "sent over the exchange is delivered once the exchange nodes run.")
        appeals = loaded.get("appeals") or {}
        if appeals:
            out(f"Appeals: {len(appeals['appeals'])} demo appeals in every state, figures "
                "for the months they span.")
            for key, tracking in appeals["tracking"].items():
                out(f"  anonymous report '{key}': its tracking code is {tracking} (shown only "
                    "now, as to its author)")
        opendata = loaded.get("opendata") or {}
        if opendata.get("datasets") or opendata.get("requests"):
            out(f"Open data: {opendata['datasets']} demo datasets of {opendata['agencies']} "
                f"agencies published by their data publishers, {opendata['requests']} "
                "requests for data (/data/, /data/requests/).")
        out(f"Officials' second factor: TOTP secret {demo.DEMO_TOTP_SECRET} (add it to an "
            f"authenticator app), or run 'yagona demo-code' (now: {code}).")
