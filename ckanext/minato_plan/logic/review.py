"""The yearly evaluation's storage and steps (rules and words: :mod:`..domain.review`).

Every step locks the evaluation's row (``SELECT … FOR UPDATE``) in the request's transaction,
checks the step against the state it finds, writes the drafts or the new state, one review event
and one activity, and commits once: two editors or reviewers acting at the same time take their
steps one after the other, each judged against what the other left.

Publishing writes the drafts into the initiatives through :func:`.progress_writes.apply_changes`
(the upload's transactional writer) with the state, the event and the removal of the drafts in
the same transaction: the year is public everywhere, or nothing changed.
"""
from __future__ import annotations

import datetime
import logging
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert

import ckan.authz as authz
import ckan.model as model
from ckan.plugins import toolkit as tk

from .. import config
from ..domain import review as rules
from ..domain.plan import Plan
from ..domain.progress import comparable_entry
from ..model import evaluation, progress_draft, review_event
from . import plans, progress_writes

log = logging.getLogger(__name__)

#: The activity type of a review step, on the plan's dataset, seen by the plan's staff only
#: (CKAN filters activities by permission labels only for types ending in "package").
ACTIVITY_TYPE = "evaluated package"


def register_activity_type() -> None:
    """Let CKAN's activity plugin record :data:`ACTIVITY_TYPE` (its object is the plan's
    dataset); templates/snippets/activities/evaluated_package.html shows it."""
    try:
        from ckanext.activity.logic.validators import object_id_validators
    except ImportError:  # the activity plugin is not installed
        return
    object_id_validators.setdefault(ACTIVITY_TYPE, "package_id_exists")


def _now() -> datetime.datetime:
    return datetime.datetime.utcnow()


def _where(table: sa.Table, plan_id: str, fiscal_year: int):
    return sa.and_(table.c.plan_id == plan_id, table.c.fiscal_year == int(fiscal_year))


def state_of(plan_id: str, fiscal_year: int) -> Optional[str]:
    """The evaluation's state, None when nobody has started the year."""
    return model.Session.execute(sa.select(evaluation.c.state).where(
        _where(evaluation, plan_id, fiscal_year))).scalar()


def drafts_of(plan_id: str, fiscal_year: int) -> dict[int, dict[str, Any]]:
    """The year's drafts by initiative number."""
    rows = model.Session.execute(sa.select(progress_draft).where(
        _where(progress_draft, plan_id, fiscal_year))).mappings()
    return {row["initiative_no"]: dict(row) for row in rows}


def drafted_numbers(plan_id: str, fiscal_year: int) -> set[int]:
    return set(model.Session.execute(sa.select(progress_draft.c.initiative_no).where(
        _where(progress_draft, plan_id, fiscal_year))).scalars())


def events_of(plan_id: str, fiscal_year: int) -> list[dict[str, Any]]:
    """The year's steps, oldest first, each with the name and display name of its user."""
    rows = model.Session.execute(sa.select(review_event).where(
        _where(review_event, plan_id, fiscal_year)).order_by(review_event.c.id)).mappings()
    out = []
    for row in rows:
        user = model.User.get(row["user_id"]) if row["user_id"] else None
        out.append(dict(row, user_name=user.name if user else "",
                        user_display_name=user.display_name if user else ""))
    return out


def _lock(plan_id: str, fiscal_year: int) -> str:
    """The evaluation's state, its row locked until the transaction ends (created as a draft
    when the year has not started)."""
    session = model.Session
    session.execute(pg_insert(evaluation).values(
        plan_id=plan_id, fiscal_year=int(fiscal_year), state=rules.DRAFT, modified=_now()
    ).on_conflict_do_nothing())
    return session.execute(sa.select(evaluation.c.state).where(
        _where(evaluation, plan_id, fiscal_year)).with_for_update()).scalar_one()


def _record(plan: Plan, fiscal_year: int, name: str, state: str, user: Optional[model.User],
            note: str = "", initiatives: int = 0, published: bool = False) -> None:
    """The new state, the review event and the activity of a step, in the transaction."""
    now = _now()
    values: dict[str, Any] = {"state": state, "modified": now}
    if published:
        values["published"] = now
    session = model.Session
    session.execute(sa.update(evaluation).where(
        _where(evaluation, plan.id, fiscal_year)).values(**values))
    session.execute(sa.insert(review_event).values(
        plan_id=plan.id, fiscal_year=int(fiscal_year), step=name, state=state,
        user_id=user.id if user else None, note=note, initiatives=initiatives, created=now))
    _activity(plan, fiscal_year, name, state, user, note, initiatives)


def _activity(plan: Plan, fiscal_year: int, name: str, state: str,
              user: Optional[model.User], note: str, initiatives: int) -> None:
    try:
        activity_create = tk.get_action("activity_create")
    except KeyError:  # the activity plugin is not enabled
        return
    package = model.Package.get(plan.id)
    if package is None or user is None:
        return
    org = model.Group.get(plans.organization(plan))
    activity_create(
        {"model": model, "session": model.Session, "user": user.name, "ignore_auth": True,
         "defer_commit": True},
        {"user_id": user.id, "object_id": package.id, "activity_type": ACTIVITY_TYPE,
         "data": {"package": {"id": package.id, "name": package.name, "title": package.title,
                              "type": package.type},
                  "fiscal_year": int(fiscal_year), "step": name, "state": state, "note": note,
                  "initiatives": initiatives},
         # the plan's staff only (CKAN's label of an organization's members)
         "permission_labels": [f"member-{org.id}"] if org is not None else ["creator-none"]})


def _finish(work) -> Any:
    try:
        result = work()
        model.Session.commit()
        return result
    except BaseException:
        model.Session.rollback()
        raise


def _user(context: dict[str, Any]) -> Optional[model.User]:
    return progress_writes.user_of(context)


def save_drafts(context: dict[str, Any], plan: Plan,
                by_year: dict[int, dict[int, dict[str, Any]]],
                published: dict[int, list[dict[str, Any]]]) -> dict[str, Any]:
    """Save validated drafts (fiscal year -> initiative number -> status, rating, summaries),
    every year's or none (:class:`rules.ReviewError` when a year is locked for review). A draft
    that says what is published already is removed instead. ``published`` is each initiative's
    published progress, by number."""
    user = _user(context)
    by = user.name if user else None

    def work() -> dict[str, Any]:
        states = {fy: _lock(plan.id, fy) for fy in sorted(by_year)}
        for fy, state in states.items():
            if not rules.editable(state):
                raise rules.locked_message(state, fy)
        saved: dict[int, list[int]] = {}
        for fy in sorted(by_year):
            saved[fy] = []
            for number, draft in sorted(by_year[fy].items()):
                entry = rules.draft_entry(fy, draft)
                where = sa.and_(_where(progress_draft, plan.id, fy),
                                progress_draft.c.initiative_no == number)
                if any(int(e.get("fiscal_year") or 0) == fy
                       and comparable_entry(e) == comparable_entry(entry)
                       for e in published.get(number) or []):
                    model.Session.execute(sa.delete(progress_draft).where(where))
                    continue
                row = {f: entry[f] for f in rules.DRAFT_FIELDS}
                model.Session.execute(pg_insert(progress_draft).values(
                    plan_id=plan.id, fiscal_year=fy, initiative_no=number, modified=_now(),
                    modified_by=by, **row
                ).on_conflict_do_update(
                    index_elements=["plan_id", "fiscal_year", "initiative_no"],
                    set_=dict(row, modified=_now(), modified_by=by)))
                saved[fy].append(number)
            _record(plan, fy, rules.SAVE, rules.step(states[fy], rules.SAVE), user,
                    initiatives=len(saved[fy]))
        return {"saved": saved}

    return _finish(work)


def with_drafts(plan: Plan, current: dict[int, dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """``current`` (initiative number -> dataset as plain values, see
    :func:`.progress_writes.current_initiatives`) with each initiative's progress as its drafts
    would publish it: what staff compare a new draft with."""
    if not current:
        return current
    rows = model.Session.execute(sa.select(progress_draft).where(
        progress_draft.c.plan_id == plan.id,
        progress_draft.c.initiative_no.in_(list(current)))).mappings()
    out = {n: dict(d) for n, d in current.items()}
    for row in rows:
        initiative = out[row["initiative_no"]]
        initiative["progress"] = rules.published_progress(
            initiative.get("progress") or [], row["fiscal_year"], row)
    return out


def locked_years(plan: Plan, fiscal_years: set[int]) -> dict[int, str]:
    """Which of ``fiscal_years`` are locked for review, with their state."""
    if not fiscal_years:
        return {}
    rows = model.Session.execute(sa.select(evaluation.c.fiscal_year, evaluation.c.state).where(
        evaluation.c.plan_id == plan.id, evaluation.c.fiscal_year.in_(sorted(fiscal_years))))
    return {fy: state for fy, state in rows if not rules.editable(state)}


def take_step(context: dict[str, Any], plan: Plan, fiscal_year: int, name: str,
              note: str = "") -> dict[str, Any]:
    """Submit, return, approve or comment on the year (publishing: :func:`publish`)."""
    user = _user(context)

    def work() -> dict[str, Any]:
        state = _lock(plan.id, fiscal_year)
        drafts = len(drafted_numbers(plan.id, fiscal_year))
        new_state = rules.step(state, name, drafts=drafts, note=note)
        _record(plan, fiscal_year, name, new_state, user, note=note.strip(),
                initiatives=drafts)
        return {"state": new_state}

    return _finish(work)


def publish(context: dict[str, Any], plan: Plan, fiscal_year: int) -> dict[str, Any]:
    """Write the approved year's drafts into its initiatives, all or nothing, and mark the year
    published; the drafts are gone once they are the published progress."""
    user = _user(context)
    session = model.Session
    try:
        state = _lock(plan.id, fiscal_year)
        drafts = drafts_of(plan.id, fiscal_year)
        new_state = rules.step(state, rules.PUBLISH, drafts=len(drafts))
        read_context = {"user": user.name if user else None, "ignore_auth": True}
        current = progress_writes.current_initiatives(read_context, plan, set(drafts))
        missing = sorted(set(drafts) - set(current))
        if missing:
            raise rules.ReviewError(
                f"次の取組が見つからないため公開できません: {missing}",
                f"Not published: these initiatives cannot be found: {missing}")
        progress = {current[n]["name"]: rules.published_progress(
            current[n]["progress"], fiscal_year, drafts[n]) for n in sorted(drafts)}
        versions = {current[n]["name"]: current[n]["metadata_modified"] for n in drafts}
        titles = {current[n]["name"]: {"initiative_no": n, "title": current[n]["title"]}
                  for n in drafts}

        def in_transaction() -> None:
            session.execute(sa.delete(progress_draft).where(
                _where(progress_draft, plan.id, fiscal_year)))
            _record(plan, fiscal_year, rules.PUBLISH, new_state, user,
                    initiatives=len(drafts), published=True)
    except BaseException:
        session.rollback()
        raise
    indexed = progress_writes.apply_changes(
        dict(context, ignore_auth=True), progress, versions, titles,
        before_commit=in_transaction)
    return {"state": new_state, "initiatives": sorted(progress),
            "search_index_updated": indexed}


def may_review(user_name: Optional[str], plan: Plan) -> bool:
    """Whether ``user_name`` reviews ``plan``'s years: sysadmins, and by
    ``review.reviewers`` the admins of the plan's organization or the members of a group."""
    if not user_name or not model.User.get(user_name):
        return False
    if authz.is_sysadmin(user_name):
        return True
    kind, group_name = config.reviewers()
    if kind == config.ORGANIZATION_ADMINS:
        org = model.Group.get(plans.organization(plan))
        return org is not None and authz.users_role_for_group_or_org(org.id, user_name) == "admin"
    group = model.Group.get(group_name)
    return group is not None and authz.users_role_for_group_or_org(group.id, user_name) \
        is not None
