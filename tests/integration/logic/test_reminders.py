"""Progress reminders as the ward's IT team runs them: `ckan minato-plan remind` lists and
e-mails, through CKAN's mailer, to a real SMTP server on loopback; the monthly job on CKAN's
worker queue (real Redis)."""
from __future__ import annotations

import datetime

import pytest

from ckan.cli.cli import ckan as ckan_cli
from ckan.plugins import toolkit as tk

from support import smtp_sink
from support.plan_names import initiative_name

pytestmark = pytest.mark.usefixtures("loaded_plan")

FY = 2026


def _patch(number, **fields):
    site = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    tk.get_action("package_patch")({"user": site["name"], "ignore_auth": True},
                                   {"id": initiative_name(number), **fields})


@pytest.fixture
def smtp(monkeypatch):
    sink, server = smtp_sink.start()
    monkeypatch.setitem(tk.config, "smtp.server", sink.server)
    monkeypatch.setitem(tk.config, "smtp.mail_from", "opendata@example.jp")
    yield sink
    server.shutdown()
    server.server_close()


@pytest.fixture
def departments():
    """Initiatives 30 and 31 of one department, 32 of another whose mailbox refuses mail, 33
    of the first with this year's progress recorded."""
    policy = {"department_translated": {"ja": "情報政策課", "en": "Information Policy Division"},
              "department_email": "joho@example.jp"}
    _patch(30, **policy)
    _patch(31, **policy)
    _patch(32, department_translated={"ja": "総務課"}, department_email="gone@example.jp")
    _patch(33, progress=[{"fiscal_year": FY, "status": "in_progress", "rating": "B"}], **policy)


def _body(received):
    return received.message.get_content()


def test_remind_lists_without_sending_unless_asked(cli, smtp, departments):
    result = cli.invoke(ckan_cli, ["minato-plan", "remind", "--fiscal-year", str(FY)])
    assert result.exit_code == 0, result.output
    assert "minato-plan FY2026: 38 initiatives without progress" in result.output
    assert "joho@example.jp: 30, 31 (to send with --send" in result.output
    assert "gone@example.jp: 32 (to send with --send" in result.output
    assert "連絡先未登録" in result.output and "1, 2, 3," in result.output
    assert smtp.messages == []


def test_remind_sends_one_message_per_department_and_reports_what_failed(cli, smtp, departments):
    smtp.refuse.add("gone@example.jp")
    result = cli.invoke(ckan_cli, ["minato-plan", "remind", "--fiscal-year", str(FY), "--send"])
    assert result.exit_code == 1, result.output
    assert "joho@example.jp: 30, 31 (sent / 送信済み)" in result.output
    assert "gone@example.jp: 32 (NOT SENT" in result.output
    assert "1 reminder(s) could not be sent: gone@example.jp" in result.output
    [received] = smtp.messages
    assert received.recipients == ["joho@example.jp"]
    assert received.message["To"] == "情報政策課 <joho@example.jp>"
    assert "令和8年度" in received.message["Subject"] and "（2件）" in received.message["Subject"]
    body = _body(received)
    site = tk.config["ckan.site_url"].rstrip("/")
    assert "- 取組30 " in body and f"{site}/initiative/edit/{initiative_name(31)}" in body
    assert f"{site}/en/initiative/edit/{initiative_name(30)}" in body
    assert "取組33" not in body  # recorded this year


def test_the_monthly_job_is_scheduled_once_and_reschedules_itself(smtp, departments,
                                                                   monkeypatch):
    from rq.job import Job
    from rq.registry import ScheduledJobRegistry

    import ckan.lib.jobs as jobs
    from ckanext.minato_plan.logic import reminders

    monkeypatch.setattr(reminders, "today_in_japan", lambda: datetime.date(2026, 12, 2))
    monkeypatch.setitem(tk.config, "ckanext.minato_plan.reminders.day_of_month", "1")
    queue = jobs.get_queue()
    registry = ScheduledJobRegistry(queue=queue)
    now = datetime.datetime(2026, 12, 2, 12, 0, tzinfo=datetime.timezone.utc)
    try:
        when = reminders.schedule(now)
        assert when.isoformat() == "2027-01-01T09:00:00+09:00"
        assert reminders.schedule(now) == when
        [job_id] = reminders.scheduled(queue)
        assert registry.get_scheduled_time(job_id) == when
        counts = Job.fetch(job_id, connection=queue.connection).perform()
        assert counts == {"sent": 2, "failed": 0, "unaddressed": 35}
        assert {tuple(m.recipients) for m in smtp.messages} == {
            ("joho@example.jp",), ("gone@example.jp",)}
        assert len(reminders.scheduled(queue)) == 1  # the next run, from the real clock
        monkeypatch.setitem(tk.config, "ckanext.minato_plan.reminders.day_of_month", "0")
        assert reminders.schedule(now) is None
        assert reminders.scheduled(queue) == []
    finally:
        monkeypatch.setitem(tk.config, "ckanext.minato_plan.reminders.day_of_month", "0")
        reminders.schedule()


def test_a_reminder_day_out_of_range_is_refused(monkeypatch):
    from ckanext.minato_plan import config

    monkeypatch.setitem(tk.config, "ckanext.minato_plan.reminders.day_of_month", "31")
    with pytest.raises(ValueError, match="day_of_month must be 0-28"):
        config.reminders_schedule()
