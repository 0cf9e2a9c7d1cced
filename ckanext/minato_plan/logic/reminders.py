"""Reminding departments to record a fiscal year's progress, by e-mail through CKAN's mailer
(``smtp.*`` options), from ``ckan minato-plan remind`` or the monthly job on CKAN's worker.

Who is due and what the message says is :mod:`..domain.reminders`. A message that cannot be
sent is reported with its address and the mailer's reason; the others still go.
"""
from __future__ import annotations

import dataclasses
import datetime
import logging
from typing import Optional

from ckan.plugins import toolkit as tk

from .. import config
from ..domain import reminders
from ..domain.plan import JST, Plan, fiscal_year_of, today_in_japan
from . import plans, review
from .initiatives import search_initiatives

log = logging.getLogger(__name__)

#: The id of the reminder job, before its run's date (scheduling again replaces a waiting one).
JOB_ID = "minato-plan-reminders"
JOB_TITLE = "港区情報化推進計画: 進捗記録のお願い / Minato plan: progress reminders"


@dataclasses.dataclass
class Outcome:
    """What one run of the reminders found and did, per plan."""

    plan: Plan
    fiscal_year: int
    due: list[reminders.Due]
    sent: dict[str, list[reminders.Due]] = dataclasses.field(default_factory=dict)
    failed: dict[str, str] = dataclasses.field(default_factory=dict)
    unaddressed: list[reminders.Due] = dataclasses.field(default_factory=list)


def due(fiscal_year: Optional[int] = None, plan_id: Optional[str] = None) -> list[Outcome]:
    """Every plan's (or one plan's) initiatives whose progress of ``fiscal_year`` (the current
    one in Japan when None) is not recorded yet, neither published nor (the yearly evaluation
    on) as a draft."""
    fiscal_year = fiscal_year or fiscal_year_of(today_in_japan())
    chosen = [plans.get(plan_id)] if plan_id else list(plans.portal())
    if None in chosen:
        raise tk.ValidationError({"plan_id": [plans.unknown(plan_id)]})
    out = []
    for plan in chosen:
        initiatives = (search_initiatives({"ignore_auth": True}, plan=plan)
                       if fiscal_year in plan.fiscal_years else [])
        drafted = (review.drafted_numbers(plan.id, fiscal_year)
                   if initiatives and config.review_enabled() else set())
        items = reminders.due(initiatives, plan, fiscal_year, drafted)
        out.append(Outcome(plan, fiscal_year, items,
                           unaddressed=reminders.by_address(items)[1]))
    return out


def send(outcomes: list[Outcome]) -> list[Outcome]:
    """Send one message per contact address; fills ``sent`` and ``failed``."""
    from ckan.lib.mailer import MailerException, mail_recipient

    site_url = tk.config.get("ckan.site_url") or ""
    for outcome in outcomes:
        grouped, _ = reminders.by_address(outcome.due)
        for address, items in grouped.items():
            subject, body = reminders.message(items, outcome.plan, outcome.fiscal_year, site_url)
            name = "・".join(sorted({d.department.get("ja", "") for d in items} - {""}))
            try:
                mail_recipient(name or address, address, subject, body)
            except (MailerException, OSError) as err:
                log.warning("reminder to %s not sent: %s", address, err)
                outcome.failed[address] = str(err)
            else:
                outcome.sent[address] = items
    return outcomes


def next_run(now: Optional[datetime.datetime] = None) -> Optional[datetime.datetime]:
    """When the monthly job runs next (an aware time), or None when it is off."""
    day, hour = config.reminders_schedule()
    if not day:
        return None
    now = (now or datetime.datetime.now(datetime.timezone.utc)).astimezone(JST)
    candidate = now.replace(day=day, hour=hour, minute=0, second=0, microsecond=0)
    if candidate <= now:
        month = now.month % 12 + 1
        candidate = candidate.replace(year=now.year + (now.month == 12), month=month)
    return candidate


def scheduled(queue) -> list[str]:
    """The ids of the reminder jobs waiting on ``queue``'s schedule."""
    from rq.registry import ScheduledJobRegistry

    return [job_id for job_id in ScheduledJobRegistry(queue=queue).get_job_ids()
            if job_id.startswith(JOB_ID + "-")]


def schedule(now: Optional[datetime.datetime] = None) -> Optional[datetime.datetime]:
    """Put the reminder job on CKAN's worker queue for its next run, in place of any waiting
    one (a running one is left to finish); None, and nothing waiting, when the reminders are
    off."""
    from rq.exceptions import NoSuchJobError
    from rq.job import Job

    import ckan.lib.jobs as jobs

    when = next_run(now)
    queue = jobs.get_queue()
    for job_id in scheduled(queue):
        try:
            Job.fetch(job_id, connection=queue.connection).delete()
        except NoSuchJobError:
            pass
    if when is None:
        return None
    queue.enqueue_at(when, run_scheduled, job_id=f"{JOB_ID}-{when:%Y%m%d%H}",
                     description=JOB_TITLE, result_ttl=86400, failure_ttl=30 * 86400)
    return when


def run_scheduled() -> dict[str, int]:
    """The monthly job: remind every plan's departments, then schedule the next run."""
    try:
        outcomes = send(due())
    finally:
        schedule()
    return {"sent": sum(len(o.sent) for o in outcomes),
            "failed": sum(len(o.failed) for o in outcomes),
            "unaddressed": sum(len(o.unaddressed) for o in outcomes)}
