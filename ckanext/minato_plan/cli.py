"""``ckan minato-plan …`` commands (registered by ``toolkit.blanket.cli``)."""
from __future__ import annotations

import time

import click

__all__ = ["minato_plan"]


@click.group(name="minato-plan", short_help="港区情報化推進計画 / Minato City plan tools")
def minato_plan():
    """港区情報化推進計画のデータを扱うコマンド / Commands for the Minato City plan."""


@minato_plan.command()
@click.option("--dry-run", is_flag=True,
              help="変更内容を表示するだけで書き込まない / Show what would change, write nothing.")
@click.option("--sample-progress", is_flag=True,
              help="架空のサンプル進捗（サンプルデータと表示）も読み込む / Also load fictional "
                   "sample progress, labelled as sample data.")
def load(dry_run: bool, sample_progress: bool):
    """計画（組織・指針グループ・計画・39の取組）を登録・更新する / Create or update the
    organization, guideline groups, plan dataset and the 39 initiatives."""
    from ckanext.scheming.helpers import scheming_get_dataset_schema

    from . import requirements
    from .logic import loader

    try:
        requirements.check_schemas(scheming_get_dataset_schema)
    except requirements.MissingRequirement as err:
        raise click.ClickException(str(err))
    started = time.monotonic()
    try:
        report = loader.load(dry_run=dry_run, sample_progress=sample_progress, echo=click.echo)
    except loader.PlanValidationError as err:
        raise click.ClickException(str(err))
    click.echo(f"Initiatives / 取組: {report.summary('initiative')}")
    click.echo(f"All records / 全レコード: {report.summary()} "
               f"({time.monotonic() - started:.1f} s)")


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
