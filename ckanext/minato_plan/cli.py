"""``ckan minato-plan …`` commands (registered by ``toolkit.blanket.cli``)."""
from __future__ import annotations

import time
from typing import Optional

import click

__all__ = ["minato_plan"]


@click.group(name="minato-plan", short_help="港区情報化推進計画 / Minato City plan tools")
def minato_plan():
    """港区情報化推進計画のデータを扱うコマンド / Commands for the Minato City plan."""


@minato_plan.command()
@click.argument("plan_file", required=False, type=click.File("r", encoding="utf-8"))
@click.option("--dry-run", is_flag=True,
              help="変更内容を表示するだけで書き込まない / Show what would change, write nothing.")
@click.option("--sample-progress", is_flag=True,
              help="架空のサンプル進捗（サンプルデータと表示）も読み込む / Also load fictional "
                   "sample progress, labelled as sample data.")
def load(plan_file, dry_run: bool, sample_progress: bool):
    """計画（組織・指針グループ・計画・取組）を登録・更新する / Create or update the
    organization, guideline groups, plan dataset and initiatives.

    PLAN_FILE は計画ファイル（YAML/JSON、形式は schemas/plan_file.schema.json）で、
    ckanext.minato_plan.plan_files にあるもの。省略時はそこにある全ての計画 / PLAN_FILE is a
    plan file (YAML or JSON, format in schemas/plan_file.schema.json) that
    ckanext.minato_plan.plan_files lists; without it, every plan the option lists."""
    from ckanext.scheming.helpers import scheming_get_dataset_schema

    from . import requirements
    from .logic import loader

    plan = _checked_plan(plan_file) if plan_file else None
    try:
        requirements.check_schemas(scheming_get_dataset_schema)
    except requirements.MissingRequirement as err:
        raise click.ClickException(str(err))
    started = time.monotonic()
    try:
        report = loader.load(plan, dry_run=dry_run, sample_progress=sample_progress,
                             echo=click.echo)
    except loader.PlanValidationError as err:
        raise click.ClickException(str(err))
    click.echo(f"Initiatives / 取組: {report.summary('initiative')}")
    click.echo(f"All records / 全レコード: {report.summary()} "
               f"({time.monotonic() - started:.1f} s)")


def _checked_plan(stream):
    """The plan of a plan file given to ``load``; every problem of an invalid file, or the
    refusal of another plan than the portal's, as the command's error (nothing is written)."""
    from .domain import plan as plan_model
    from .domain import plan_file

    try:
        plan = plan_model.read_plan(stream.read())
    except plan_file.PlanFileError as err:
        raise click.ClickException(
            f"{stream.name}: 計画ファイルに{len(err.problems)}件の問題があるため何も書き込んでいません"
            f" / {len(err.problems)} problem(s) in the plan file, nothing written:\n{err}")
    from .logic import plans

    listed = plans.get(plan.id)
    if listed is None:
        raise click.ClickException(
            f"{stream.name}: 有効な計画ファイルですが、ckanext.minato_plan.plan_files（全ての"
            f"Webサーバーが読む計画ファイル）にありません。設定に加えてから読み込んでください。"
            f"何も書き込んでいません / A valid plan file, but ckanext.minato_plan.plan_files (the "
            f"plan files every web node reads) does not list it. Add it to the option, then "
            f"load it; nothing written.")
    if listed != plan:
        raise click.ClickException(
            f"{stream.name}: ckanext.minato_plan.plan_files にある計画 {plan.id} と内容が異なり"
            f"ます。設定にあるファイルを直してください。何も書き込んでいません / It differs from "
            f"plan {plan.id} as ckanext.minato_plan.plan_files lists it; change the file the "
            f"option names. Nothing written.")
    return plan


@minato_plan.command("check-plan")
@click.argument("plan_files", nargs=-1, required=True, type=click.File("r", encoding="utf-8"))
def check_plan(plan_files):
    """計画ファイルを検査し、問題をすべて表示する（書き込みなし） / Check plan files and list
    every problem (path, value, why); writes nothing."""
    from .domain import plan as plan_model
    from .domain import plan_file

    failed = 0
    for stream in plan_files:
        try:
            plan = plan_model.read_plan(stream.read())
        except plan_file.PlanFileError as err:
            failed += 1
            click.echo(f"{stream.name}: {len(err.problems)}件の問題 / {len(err.problems)} "
                       f"problem(s)\n{err}")
            continue
        click.echo(f"{stream.name}: OK — {plan.id}: {len(plan.guidelines)} guidelines, "
                   f"{len(plan.measures)} measures, {len(plan.initiatives)} initiatives, "
                   f"FY{plan.start_fiscal_year}–FY{plan.end_fiscal_year}")
    if failed:
        raise SystemExit(1)


@minato_plan.command()
@click.option("--dry-run", is_flag=True,
              help="書き換えずに対象を数える / Only list the initiatives to rewrite.")
def migrate(dry_run: bool):
    """以前の形式で保存された取組を現在の形式に書き換える / Rewrite initiatives stored in an
    earlier form of the schema (indicator targets and actuals per fiscal year) in today's form."""
    from .logic import migration

    started = time.monotonic()
    report = migration.migrate(dry_run=dry_run, echo=click.echo)
    prefix = "[dry run] " if dry_run else ""
    click.echo(f"{prefix}Initiatives / 取組: {report.checked} checked, "
               f"{len(report.migrated)} rewritten, {len(report.failed)} failed "
               f"({time.monotonic() - started:.1f} s)")
    if report.failed:
        raise click.ClickException(
            "書き換えられなかった取組があります（元のまま） / Some initiatives could not be "
            f"rewritten and were left as they were: {', '.join(report.failed)}")


@minato_plan.command("datastore-refresh")
def datastore_refresh():
    """計画の表をDataStoreに読み込み直す / Rebuild the plan's tables in the DataStore."""
    from .logic import datastore

    if not datastore.enabled():
        raise click.ClickException(
            "DataStoreが無効です（datastoreプラグインと ckanext.minato_plan.datastore.sync）。 / "
            "The DataStore is off (datastore plugin, ckanext.minato_plan.datastore.sync).")
    started = time.monotonic()
    counts = datastore.refresh_all(echo=click.echo)
    if not counts:
        raise click.ClickException(
            "計画データセットにDataStore用のリソースがありません。先に `ckan minato-plan load` を"
            "実行してください。 / The plan dataset has no DataStore resources; run `ckan "
            "minato-plan load` first.")
    click.echo(f"DataStore: {len(counts)} tables refreshed ({time.monotonic() - started:.1f} s)")


@minato_plan.command()
@click.option("--check", is_flag=True,
              help="数えるだけで直さない（ずれがあれば終了コード1） / Only count what differs "
                   "(exit 1 if anything does), fix nothing.")
def repair(check: bool):
    """データベースと検索インデックス・DataStoreのずれを直す / Make the search index and the
    plan's DataStore tables match the database (every dataset)."""
    from .logic import consistency

    started = time.monotonic()
    report = consistency.repair(fix=not check)
    counts = report.counts()
    verb = "differ / 差異" if check else "fixed / 修正"
    click.echo(f"Datasets checked / 確認したデータセット: {counts['checked']}; "
               f"index {verb}: {counts['reindexed']} reindex, {counts['removed']} remove; "
               f"DataStore tables {verb}: {counts['tables']} "
               f"({time.monotonic() - started:.1f} s)")
    try:
        waiting = len(consistency.stale_ids())
    except Exception:
        waiting = -1
    click.echo(f"Waiting for the heal job / 検証待ち: {waiting}")
    if report.failed:
        raise click.ClickException(
            f"{len(report.failed)} could not be fixed (Solr, the DataStore or Redis "
            f"unavailable?) / 修正できないものがあります: {', '.join(report.failed[:10])}")
    if check and (counts["reindexed"] or counts["removed"] or counts["tables"]):
        raise SystemExit(1)


@minato_plan.command()
@click.option("--fiscal-year", type=int,
              help="対象の年度（既定: 日本の今日が属する年度） / The fiscal year (default: the "
                   "current one in Japan).")
@click.option("--plan", "plan_id", help="計画のID（既定: すべて） / One plan (default: every plan).")
@click.option("--send", is_flag=True,
              help="所管課へメールを送る（既定: 一覧のみ） / E-mail the departments (default: "
                   "only list them).")
@click.option("--schedule", is_flag=True,
              help="毎月のリマインダーをワーカーに予約する / Schedule the monthly reminders on "
                   "CKAN's worker (ckanext.minato_plan.reminders.day_of_month).")
def remind(fiscal_year: Optional[int], plan_id: Optional[str], send: bool, schedule: bool):
    """進捗が未記録の取組を一覧し、所管課に記録を依頼する / List the initiatives whose progress of
    the fiscal year is not recorded yet, and remind their departments by e-mail."""
    from .domain.reminders import by_address
    from .logic import reminders

    if schedule:
        when = reminders.schedule()
        click.echo(f"Next reminders / 次回のリマインダー: {when.isoformat()}" if when else
                   "Reminders are off / リマインダーは無効です "
                   "(ckanext.minato_plan.reminders.day_of_month = 0)")
        return
    outcomes = reminders.due(fiscal_year, plan_id)
    if send:
        reminders.send(outcomes)
    for outcome in outcomes:
        click.echo(f"{outcome.plan.id} FY{outcome.fiscal_year}: {len(outcome.due)} initiatives "
                   f"without progress / 進捗未記録の取組 {len(outcome.due)}件")
        grouped, unaddressed = by_address(outcome.due)
        for address, items in grouped.items():
            state = ("sent / 送信済み" if address in outcome.sent else
                     f"NOT SENT / 未送信: {outcome.failed[address]}" if address in outcome.failed
                     else "to send with --send / --send で送信")
            numbers = ", ".join(str(d.number) for d in items)
            click.echo(f"  {address}: {numbers} ({state})")
        if unaddressed:
            click.echo("  no contact address / 連絡先未登録 (所管課の連絡先 を入力してください / "
                       "enter the department's contact): "
                       + ", ".join(str(d.number) for d in unaddressed))
    failed = [a for o in outcomes for a in o.failed]
    if failed:
        raise click.ClickException(
            f"送信できなかったリマインダーがあります / {len(failed)} reminder(s) could not be "
            f"sent: {', '.join(failed)}")
