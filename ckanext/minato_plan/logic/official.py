"""Official means official: a plan's datasets (types ``plan`` and ``initiative``) are those of
the organization that owns the plan (the plan file's ``organization``, or
``ckanext.minato_plan.organization``), one dataset per initiative number of each plan. Pages,
downloads, the DataStore, DCAT and the actions read only those."""
from __future__ import annotations

from typing import Any, Optional

import sqlalchemy as sa

import ckan.model as model
from ckan.lib.search.query import solr_literal

from .. import config
from ..domain.identifiers import PLAN_DATASET_TYPES
from ..domain.text import is_blank, optional_int
from . import plans

# A transaction-scoped PostgreSQL advisory lock: creates and updates of initiatives validate
# their number one at a time, until the transaction that holds the lock ends.
_INITIATIVE_NO_LOCK = 5_461_202_601


def organization_id(name: str) -> Optional[str]:
    org = model.Group.get(name)
    return org.id if org is not None else None


def search_filter() -> str:
    """The Solr filter of the official datasets: those of the plans' organizations."""
    names = " OR ".join(solr_literal(n) for n in plans.organizations())
    return f"+organization:({names})"


def is_official(pkg: dict[str, Any]) -> bool:
    """Whether a dataset dict (``package_show`` or ``package_search``) is one of a plan's:
    held by the organization of the plan it belongs to."""
    if pkg.get("type") not in PLAN_DATASET_TYPES:
        return False
    name = plans.organization(plans.of_fields(pkg.get("plan_id"), pkg.get("name")))
    org = pkg.get("organization") or {}
    if isinstance(org, dict) and org.get("name"):
        return org["name"] == name
    owner = pkg.get("owner_org")
    return bool(owner) and owner in (name, organization_id(name))


def _other_with_number(number: int, plan_id: str, own_id: Any) -> Optional[str]:
    """The name of another active initiative of the plan with ``number``, if any (one stored
    before initiatives named their plan counts as of every plan)."""
    package = model.package_table
    stored_plan = package.c.extras["plan_id"].astext
    query = (sa.select(package.c.name)
             .where(package.c.type == "initiative", package.c.state != "deleted",
                    package.c.extras["initiative_no"].astext == str(number),
                    sa.or_(stored_plan == plan_id, stored_plan.is_(None))))
    if own_id:
        query = query.where(package.c.id != own_id)
    return model.Session.execute(query.limit(1)).scalar()


def _keeps_its_number(own: Any, number: int) -> bool:
    """Whether the initiative being updated is active and already has ``number``."""
    extras = getattr(own, "extras", None) or {}
    return (own.type == "initiative" and own.state == "active"
            and optional_int(extras.get("initiative_no")) == number)


def minato_official(key, data, errors, context):
    """Schema check of plan and initiative datasets: owned by the plan's organization, and (for
    initiatives) no other initiative of the plan with the same number. Concurrent creates are
    serialised by an advisory lock held until the transaction ends."""
    owner = data.get(("owner_org",))
    plan = plans.of_fields(data.get(("plan_id",)), data.get(("name",)))
    name = plans.organization(plan)
    if not errors.get(("owner_org",)) and not is_blank(owner) \
            and owner not in (name, organization_id(name)):
        errors.setdefault(("owner_org",), []).append(
            f"計画・取組のデータセットは計画を所有する組織（{name}）だけが作成・保持できます。 / "
            f"Plan and initiative datasets can only be created in and held by the organization "
            f"that owns the plan ({name}).")
    number = optional_int(data.get(("initiative_no",)))
    if data.get(("type",)) not in (None, "initiative") or number is None \
            or errors.get(("initiative_no",)):
        return
    own = context.get("package")
    if own is not None and _keeps_its_number(own, number):
        return  # its number was checked when it was given; an edit of the rest cannot clash
    session = context.get("session") or model.Session
    session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _INITIATIVE_NO_LOCK})
    other = _other_with_number(number, plan.id,
                               own.id if own is not None else data.get(("id",)))
    if other:
        errors.setdefault(("initiative_no",), []).append(
            f"取組{number}は既に登録されています（{other}）。1つの取組番号に1つのデータセットです。 / "
            f"Initiative {number} already exists ({other}); one dataset per initiative number.")


def ensure_loader_user() -> dict[str, Any]:
    """The loader's system account (a sysadmin), created when missing."""
    name = config.loader_user()
    user = model.User.get(name)
    if user is None:
        # no password: nobody logs in as this account, it only signs the loader's changes
        user = model.User(name=name, fullname="計画データ読み込み / Plan loader",
                          email="noreply@localhost", sysadmin=True)
        model.Session.add(user)
        model.Session.commit()
    elif not user.sysadmin:
        user.sysadmin = True
        model.Session.commit()
    return {"name": user.name, "id": user.id}
