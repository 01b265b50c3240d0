"""``manage.py load_cpv [--file path.csv[.gz]]``: bring the CPV vocabulary in line with a file.

``migrate`` does the same with the file shipped in the app (surveys/cpv/cpv-2008-en.csv.gz); this command
says what changed, and can check a new list before it replaces that file (README, *CPV codes*).
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from surveys.cpv.loader import DATA_FILE, BadVocabularyFile, sync_vocabulary


class Command(BaseCommand):
    help = "Load or update the CPV vocabulary (codes and English labels) from the app's compressed CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, default=DATA_FILE,
                            help="a CSV with the columns code,label (gzip-compressed if it ends in .gz)")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            result = sync_vocabulary(path=path)
        except BadVocabularyFile as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"CPV vocabulary: {result.added} added, {result.changed} changed, {result.removed} removed.")
