"""Page checks every page must pass: axe-core (WCAG 2.1 A/AA) in Chromium, and the Nu HTML Checker.

Both run offline from the npm packages (axe-core, vnu-jar) with the machine's Java.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# What Django's own admin scripts write into a page after it loads, that the Nu HTML Checker refuses: not
# ours to change, and only read when a page is checked as its scripts left it (after a submit).
ADMIN_SCRIPTS_NU = (('An “input” element with a “type” attribute whose value is “hidden” must not have an '
                     '“autocomplete” attribute'),)  # inlines.js, on the inline formsets' management forms


def axe_violations(page, *, preload: bool = True) -> list[dict]:  # type: ignore[no-untyped-def]
    """Serious and critical WCAG 2.1 A/AA violations on the page as it is now.

    The script is evaluated through the DevTools protocol, which the page's CSP does not govern,
    so the portal's policy stays strict while axe runs. Without `preload`, axe does not rebuild the page's
    style sheets: for Django's admin forms, whose forms.css @imports widgets.css, axe would write <style>
    elements into the page that the CSP refuses (and the test would report axe's doing as the page's).
    """
    page.evaluate(AXE.read_text())
    result = page.evaluate("([tags, preload]) => axe.run(document, {runOnly: {type: 'tag', values: tags}, preload})",
                           [AXE_TAGS, preload])
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "targets": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def html_errors(documents: dict[str, str]) -> dict[str, list[str]]:
    """Nu HTML Checker errors of each named HTML document (one Java run for all of them)."""
    java = shutil.which("java")
    assert java, "Java is needed for the Nu HTML Checker"
    with tempfile.TemporaryDirectory() as folder:
        paths = {}
        for index, (name, html) in enumerate(documents.items()):
            path = Path(folder) / f"page{index}.html"
            path.write_text(html, encoding="utf-8")
            paths[path.name] = name
        run = subprocess.run(  # noqa: S603 - fixed arguments, our own files
            [java, "-jar", str(VNU), "--errors-only", "--format", "json", "--exit-zero-always",
             *[str(Path(folder) / p) for p in paths]],
            capture_output=True, text=True, check=True, timeout=300,
        )
    report = json.loads(run.stderr or "{}")
    errors: dict[str, list[str]] = {}
    for message in report.get("messages", []):
        url = message.get("url", "?")
        name = paths.get(url.rsplit("/", 1)[-1], url)
        errors.setdefault(name, []).append(f"line {message.get('lastLine')}: {message.get('message')}")
    return errors


def check_pages(page, visits, users, live_server, *, after=None) -> None:  # type: ignore[no-untyped-def]
    """Open each of `visits` (tests/browser/pages.py) as its person, press its main button when it asks,
    and fail on any serious axe-core violation or Nu HTML Checker error. `after(visit, answer)` adds a
    test's own checks on each page, once it is shown."""
    from tests.browser.helpers import sign_in

    documents: dict[str, str] = {}
    admin = {visit.name: visit.path.startswith("/admin/") for visit in visits}
    failures: dict[str, list[dict]] = {}
    for visit in visits:
        page.context.clear_cookies()
        if visit.as_user in users:
            sign_in(page.context, users[visit.as_user], live_server, code_given=visit.code_given,
                    password=False if visit.by_link else None)
        answer = page.goto(visit.path)
        assert answer is not None and answer.status < 500, visit
        for selector, text in visit.fill:
            page.fill(selector, text)
        if visit.submit_empty_form:
            with page.expect_navigation():
                page.locator(visit.button).last.click()
        if after is not None:
            after(visit, answer)
        documents[visit.name] = page.content() if visit.submit_empty_form else answer.text()
        if violations := axe_violations(page, preload=not admin[visit.name]):
            failures[visit.name] = violations
    assert not failures, "\n".join(f"{name}: {v}" for name, v in failures.items())
    errors = {name: kept for name, found in html_errors(documents).items()
              if (kept := [e for e in found if not (admin[name] and any(m in e for m in ADMIN_SCRIPTS_NU))])}
    assert not errors, errors
