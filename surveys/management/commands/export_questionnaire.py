"""Write a campaign's questionnaire as an XLSForm workbook: `manage.py export_questionnaire <slug> <file.xlsx>`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from surveys.models import Campaign
from surveys.questionnaire.xlsform import export_questionnaire


class Command(BaseCommand):
    help = "Write a campaign's questionnaire as an XLSForm workbook (survey, choices and settings sheets)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("campaign", help="the campaign's short name in addresses (slug)")
        parser.add_argument("file", type=Path, help="where to write the workbook (.xlsx)")

    def handle(self, *args: Any, **options: Any) -> None:
        campaign = Campaign.objects.filter(slug=options["campaign"]).first()
        if campaign is None:
            self.stderr.write(f"No campaign has the short name “{options['campaign']}”.")
            raise SystemExit(2)
        with options["file"].open("wb") as target:
            export_questionnaire(campaign, target)
        self.stdout.write(f"Wrote the questionnaire of “{campaign.slug}” to {options['file']}.")
