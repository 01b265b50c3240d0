"""Load the CPV vocabulary from the compressed CSV shipped with the app, and keep the table in line with it.

The file ``surveys/cpv/cpv-2008-en.csv.gz`` (columns ``code,label``; 9,454 rows) is a copy of the
reference list of Regulation (EC) No 213/2008 (README, *CPV codes*). :func:`sync_vocabulary` runs after
every ``migrate`` (a ``post_migrate`` receiver, like Django's content types) and from
``manage.py load_cpv``: an empty table is filled in one statement (``COPY`` on PostgreSQL), a filled one
gets only the codes added, relabelled or removed since. The test suite's flushes between transactional
tests emit ``post_migrate`` too, so the vocabulary is back for the next test.
"""

from __future__ import annotations

import csv
import gzip
import io
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps as global_apps
from django.db import connections, transaction

from surveys.cpv.codes import split_code

log = logging.getLogger(__name__)

DATA_FILE = Path(__file__).resolve().parent / "cpv-2008-en.csv.gz"
BATCH = 1000


class BadVocabularyFile(ValueError):
    """The file is not a CPV list: a code is malformed or repeated, or a label is missing."""


@dataclass(frozen=True)
class SyncResult:
    added: int
    changed: int
    removed: int
    filled: bool = False  # the table was empty and got the whole file

    @property
    def total(self) -> int:
        return self.added + self.changed + self.removed


def read_vocabulary(path: Path = DATA_FILE) -> dict[str, tuple[str, str]]:
    """Digits -> (check digit, label), from a CSV (gzip-compressed when its name ends in .gz) with the
    columns ``code`` and ``label``. Raises BadVocabularyFile on a row that is not a CPV code and label."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or not {"code", "label"} <= set(reader.fieldnames):
            raise BadVocabularyFile(f"{path.name}: the columns must be 'code' and 'label'")
        vocabulary: dict[str, tuple[str, str]] = {}
        for line, row in enumerate(reader, start=2):
            parts = split_code(row["code"].strip())
            label = " ".join((row["label"] or "").split())
            if parts is None or not label or len(label) > 300:
                raise BadVocabularyFile(f"{path.name}, line {line}: not a CPV code and label: {row!r}")
            if parts[0] in vocabulary:
                raise BadVocabularyFile(f"{path.name}, line {line}: {row['code']} appears twice")
            vocabulary[parts[0]] = (parts[1], label)
    return vocabulary


def sync_vocabulary(model: Any = None, *, using: str = "default", path: Path = DATA_FILE) -> SyncResult:
    """Bring the table of `model` (CpvCode, or its historical version in a migration) in line with the file."""
    if model is None:
        from surveys.cpv.models import CpvCode

        model = CpvCode
    wanted = read_vocabulary(path)
    rows = model.objects.using(using)
    with transaction.atomic(using=using):
        existing = {digits: (check, label) for digits, check, label in
                    rows.values_list("digits", "check_digit", "label").iterator(chunk_size=5000)}
        removed = [digits for digits in existing if digits not in wanted]
        added = [(d, v) for d, v in wanted.items() if d not in existing]
        changed = [model(digits=d, check_digit=v[0], label=v[1]) for d, v in wanted.items()
                   if d in existing and existing[d] != v]
        for start in range(0, len(removed), BATCH):
            rows.filter(digits__in=removed[start:start + BATCH]).delete()
        _insert(model, using, added)
        rows.bulk_update(changed, ["check_digit", "label"], batch_size=BATCH)
        result = SyncResult(added=len(added), changed=len(changed), removed=len(removed), filled=not existing)
        if result.total:
            _analyse(model, using)
    return result


def _insert(model: Any, using: str, items: Iterable[tuple[str, tuple[str, str]]]) -> None:
    items = list(items)
    if not items:
        return
    connection = connections[using]
    if connection.vendor == "postgresql":
        # One COPY instead of ten INSERTs: the suite refills the table after every flush.
        buffer = io.StringIO()
        csv.writer(buffer).writerows((digits, check, label) for digits, (check, label) in items)
        buffer.seek(0)
        table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(f"COPY {table} (digits, check_digit, label) FROM STDIN WITH (FORMAT csv)", buffer)
        return
    model.objects.using(using).bulk_create(
        (model(digits=digits, check_digit=check, label=label) for digits, (check, label) in items), batch_size=BATCH)


def _analyse(model: Any, using: str) -> None:
    """Fresh statistics, so that PostgreSQL's planner uses the search indexes (it reads every row before)."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def sync_after_migrate(sender: Any, *, apps: Any = global_apps, using: str = "default", verbosity: int = 1,
                       **kwargs: Any) -> None:
    """``post_migrate`` receiver of the surveys app: fill or update the vocabulary once its table exists.

    ``migrate`` gives the migrated state's `apps`; ``flush`` (the test suite's, between transactional tests)
    gives none, and the project's models are the ones to use."""
    try:
        model = apps.get_model("surveys", "CpvCode")
    except LookupError:  # migrated back to before the table existed
        return
    if model._meta.db_table not in connections[using].introspection.table_names():
        return
    result = sync_vocabulary(model, using=using)
    if result.total and not result.filled and verbosity >= 1:
        log.info("CPV vocabulary: %s added, %s changed, %s removed", result.added, result.changed, result.removed)
