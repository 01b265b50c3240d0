"""Tasks of the groups app: solving a matching run and e-mailing a published run's offers.

Thin, as the house style wants: keyword-only ids, fetch, return quietly if the row is gone, call the service.
Both are idempotent: the solve claims its run by a conditional update, the e-mails have unique keys.
"""

from __future__ import annotations

from celery import shared_task

from groups.models import MatchingRun
from groups.services import formation, pickup, solving


@shared_task(name="groups.solve_matching_run")
def solve_matching_run(*, run_id: int) -> bool:
    """Solve a queued matching run (up to its time limit, 30 s by default) and store the outcome."""
    return solving.execute_run(run_id)


@shared_task(name="groups.send_offer_emails", autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def send_offer_emails(*, run_id: int) -> int:
    """E-mail the offers and Observer Group invitations of a published run; returns how many were queued."""
    run = MatchingRun.objects.filter(pk=run_id).first()
    if run is None:
        return 0
    return formation.send_offer_emails(run)


@shared_task(name="groups.requeue_stranded_work")
def requeue_stranded_work() -> int:
    """Queue again the solves and offer e-mails whose task never reached Redis or whose worker died."""
    return pickup.requeue_stranded_runs() + pickup.requeue_offer_emails()
