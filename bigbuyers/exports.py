"""Exports of personal data: one permission check, one record per download, formulas neutralised,
CSV streamed and XLSX written in constant memory.

Kinds
    An *export kind* names what can be downloaded (``responses``, ``interviews``, ``travel_claims``), the
    permission it needs and a function that turns the request's filters into an :class:`ExportTable`
    (a header and an iterator of rows). Each app registers its kinds in its AppConfig.ready(); this module
    knows none of their models, so data keeps flowing one way (surveys -> groups -> communities).

Download
    :func:`download_view` (admin URL ``admin:bigbuyers_exportrecord_download``, ``?campaign=<id>&...``)
    and the admin actions that export a changelist selection both end in :func:`download`: the permission
    is checked first (403 without it), an :class:`~bigbuyers.models.ExportRecord` is written, then the
    rows leave. CSV is a StreamingHttpResponse written a few hundred rows at a time; XLSX is written by
    XlsxWriter in constant-memory mode (each row goes to a temporary file as it comes, strings inline) and
    sent as a FileResponse.
    A kind's rows must themselves be produced in constant memory (``.iterator(chunk_size=...)`` and related
    rows fetched per chunk): the bench/backoffice.py benchmark measures it.

Formulas
    A text cell that starts with ``= + - @``, a tab or a carriage return would be run as a formula by a
    spreadsheet (CSV injection): it is prefixed with a single quote, in CSV and XLSX alike.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponseBadRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from xlsxwriter import Workbook

from bigbuyers.http import signed_in_user
from bigbuyers.models import ExportFormat, ExportRecord
from bigbuyers.staff_sessions import staff_power

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CSV_BATCH = 500  # rows per chunk of the streamed CSV
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Control characters that XML 1.0 cannot hold (tab, line feed and carriage return it can).
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class BadExportFilters(ValueError):
    """The filters of an export request do not make sense (an unknown campaign, a bad value)."""


@dataclass
class ExportTable:
    """What one download holds: its description, file name, normalised filters, header and rows."""

    title: str
    filename: str  # without the extension
    header: list[str]
    rows: Iterable[Sequence[Any]]
    filters: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ExportKind:
    """An export an app offers: its name in URLs and records, the permission it needs, its table."""

    name: str
    title: StrOrPromise
    permission: str  # "app_label.codename"
    table: Callable[[Mapping[str, str]], ExportTable]  # raises BadExportFilters


_kinds: dict[str, ExportKind] = {}


def register(kind: ExportKind) -> None:
    _kinds[kind.name] = kind


def kinds() -> list[ExportKind]:
    return list(_kinds.values())


def get_kind(name: str) -> ExportKind | None:
    return _kinds.get(name)


def safe_cell(value: Any) -> Any:
    """A value a spreadsheet shows as it is: numbers stay numbers, text never starts a formula."""
    if type(value) is str:  # most cells: checked first (an export runs this millions of times)
        return "'" + value if value.startswith(FORMULA_TRIGGERS) else value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float, Decimal)):
        return value
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def _xlsx_cell(value: Any) -> Any:
    value = safe_cell(value)
    if value == "":
        return None  # an empty cell is not written at all
    if not isinstance(value, str):
        return value
    # A line break inside a spreadsheet cell is a line feed; XML 1.0 cannot hold most other control
    # characters: they are dropped rather than making a broken file.
    return XML_ILLEGAL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def may_export(request: HttpRequest, kind: ExportKind) -> bool:
    """True when the request may download `kind`: a staff session (password, and code when owed; see
    bigbuyers/staff_sessions.py) of a person holding the kind's permission."""
    return staff_power(request, kind.permission)


def download(request: HttpRequest, *, kind: ExportKind, fmt: str, table: ExportTable) -> HttpResponseBase:
    """Record the download of `table` by the request's user and send it as CSV or XLSX.

    Raises PermissionDenied when the user lacks the kind's permission: callers check it before building
    the table too, so that nothing is read for a refused request.
    """
    if not may_export(request, kind):
        raise PermissionDenied
    if fmt not in ExportFormat.values:
        raise Http404
    record = ExportRecord.objects.create(user=signed_in_user(request), kind=kind.name, title=table.title[:300], format=fmt,
                                         filters=table.filters)
    if fmt == ExportFormat.CSV:
        response = StreamingHttpResponse(_csv_chunks(table, record), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{table.filename}.csv"'
        return response
    return _xlsx_response(table, record)


def _finish(record: ExportRecord, rows: int) -> None:
    ExportRecord.objects.filter(pk=record.pk).update(row_count=rows, finished_at=timezone.now())


def _csv_chunks(table: ExportTable, record: ExportRecord) -> Iterator[str]:
    # Plain UTF-8 without a byte-order mark, for the tools that read CSV; people who open the file in a
    # spreadsheet program take the XLSX, which keeps accents and line breaks whatever the program.
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(name) for name in table.header])
    count = 0
    for row in table.rows:
        writer.writerow([safe_cell(value) for value in row])
        count += 1
        if count % CSV_BATCH == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
    _finish(record, count)


def _xlsx_response(table: ExportTable, record: ExportRecord) -> FileResponse:
    # An anonymous temporary file: gone from the disk as soon as the response closes it.
    file = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by FileResponse
    # Text stays text: nothing is turned into a formula, a link or a number behind the reader's back.
    workbook = Workbook(file, {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                               "strings_to_numbers": False})
    sheet = workbook.add_worksheet(table.filename[:31])
    sheet.write_row(0, 0, [_xlsx_cell(name) for name in table.header], workbook.add_format({"bold": True}))
    count = 0
    for count, row in enumerate(table.rows, start=1):
        sheet.write_row(count, 0, [_xlsx_cell(value) for value in row])
    workbook.close()
    file.seek(0)
    _finish(record, count)
    return FileResponse(file, as_attachment=True, filename=f"{table.filename}.xlsx", content_type=XLSX_MIME)


def download_permission(kind_name: str, fmt: str) -> str:
    """The permission the download of ``<kind>.<fmt>`` needs; Http404 for a kind or format that does not exist."""
    kind = get_kind(kind_name)
    if kind is None or fmt not in ExportFormat.values:
        raise Http404
    return kind.permission


def download_view(request: HttpRequest, kind_name: str, fmt: str) -> HttpResponseBase:
    """GET ``<kind>.<csv|xlsx>?<filters>``: the registered export. Its admin URL is a staff_view with
    ``download_permission`` (staff without the kind's permission get 403)."""
    kind = get_kind(kind_name)
    if kind is None:
        raise Http404
    try:
        table = kind.table(request.GET)
    except BadExportFilters as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    return download(request, kind=kind, fmt=fmt, table=table)
