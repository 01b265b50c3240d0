from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse

from communities.demo import join_secretariat
from communities.demo import load_demo as load_communities_demo
from groups.demo import load_demo as load_groups_demo
from groups.demo import load_interviews_demo
from surveys.demo import load_demo
from surveys.models import Campaign


class Command(BaseCommand):
    help = "Load the demo campaigns, organisations and answers into an empty database, with a staff login."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", default="secretariat@bigbuyers.example")
        parser.add_argument("--password", default="demo-secretariat-2026")

    def handle(self, *args: Any, **options: Any) -> None:
        if Campaign.objects.exists():
            self.stdout.write("Demo data is there already.")
        else:
            join_secretariat(load_demo(staff_email=options["email"], staff_password=options["password"]))
            load_communities_demo()
            load_groups_demo()
            load_interviews_demo()
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        if not options["email"] or not options["password"]:
            raise CommandError("A staff e-mail and password are needed.")
        admin_url = f"{settings.SITE_URL}{reverse('admin:index')}"  # where this portal answers, as e-mails say
        self.stdout.write(f"Secretariat login: {options['email']} / {options['password']} at {admin_url}")
