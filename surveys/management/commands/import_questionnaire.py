"""Replace a campaign's questionnaire with an XLSForm workbook: `manage.py import_questionnaire <slug> <file.xlsx>`.

Exit status 0 when imported, 2 when the form is refused (every problem printed with its row and reason;
nothing is changed) or the campaign's questions already have answers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandParser

from surveys.models import Campaign
from surveys.questionnaire import services
from surveys.questionnaire.xlsform import XLSFormError, import_questionnaire


class Command(BaseCommand):
    help = "Replace a campaign's questionnaire with an XLSForm workbook (survey, choices and settings sheets)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("campaign", help="the campaign's short name in addresses (slug)")
        parser.add_argument("file", type=Path, help="the XLSForm workbook (.xlsx)")

    def handle(self, *args: Any, **options: Any) -> None:
        campaign = Campaign.objects.filter(slug=options["campaign"]).first()
        if campaign is None:
            self._refuse([f"No campaign has the short name “{options['campaign']}”."])
        if not options["file"].is_file():
            self._refuse([f"No file at {options['file']}."])
        try:
            count = import_questionnaire(campaign, options["file"], by=None)
        except XLSFormError as error:
            self._refuse(["The form was not imported; nothing changed:", *error.problems])
        except services.QuestionnaireHasAnswers:
            self._refuse([("The campaign's questions already have answers: change them in the admin (retire, reword) "
                           "rather than replacing the questionnaire.")])
        self.stdout.write(f"Imported {count} questions into “{campaign.slug}”.")

    def _refuse(self, lines: list[str]) -> NoReturn:
        for line in lines:
            self.stderr.write(line)
        raise SystemExit(2)
