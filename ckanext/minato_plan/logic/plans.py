"""The plans this portal publishes: the files ``ckanext.minato_plan.plan_files`` names, read once
per process, so that every web node and the loader know the same plans."""
from __future__ import annotations

from typing import Any, Optional, Union

from .. import config
from ..domain import plan_file
from ..domain.plan import Plan, load_plan, read_plan, today_in_japan
from ..domain.plans import PlanSet, clashes

_READ: dict[tuple[str, ...], PlanSet] = {}


class PlanFilesError(Exception):
    """A plan file of the option cannot be read, is not a valid plan file, or clashes with
    another; the message lists every problem, with the file it is in."""


def _read_plan(reference: str) -> Plan:
    if reference.strip() == plan_file.EMBEDDED:
        return load_plan()
    try:
        return read_plan(plan_file.text_of(reference))
    except OSError as err:
        raise PlanFilesError(f"{reference}: 計画ファイルを読めません / cannot read the plan "
                             f"file: {err}") from err
    except plan_file.PlanFileError as err:
        raise PlanFilesError(f"{reference}: 計画ファイルに{len(err.problems)}件の問題があります / "
                             f"{len(err.problems)} problem(s) in the plan file:\n{err}") from err


def read(references: tuple[str, ...]) -> PlanSet:
    """The plans of ``references``, refused (:class:`PlanFilesError`) when two share an id, a
    dataset name, a guideline group or an identifier stem, or a predecessor is not there."""
    plans = [_read_plan(r) for r in references]
    seen: dict[str, str] = {}
    problems = []
    for reference, plan in zip(references, plans):
        if plan.id in seen:
            problems.append(f"{reference}: 計画のid {plan.id} が {seen[plan.id]} と同じです / "
                            f"the plan id {plan.id} is that of {seen[plan.id]} too")
        seen.setdefault(plan.id, reference)
    if not problems:
        for reference, plan in zip(references, plans):
            problems += [f"{reference}: {c}" for c in clashes(plan, plans)]
    if problems:
        raise PlanFilesError("ckanext.minato_plan.plan_files:\n" + "\n".join(problems))
    return PlanSet(plans)


def portal(source: Any = None) -> PlanSet:
    """Every plan the portal publishes (by the site's config, or ``source``, a config being
    set up)."""
    references = tuple(config.plan_files(source))
    found = _READ.get(references)
    if found is None:
        found = _READ[references] = read(references)
    return found


def current() -> Plan:
    """The plan shown when no plan is named (the overview, the home page, the facets)."""
    return portal().current(today_in_japan())


def get(plan_id: Optional[str]) -> Optional[Plan]:
    return portal().get(plan_id) if plan_id else None


def unknown(plan_id: Any) -> str:
    """Why ``plan_id`` is refused: no plan of the portal has it (ja / en)."""
    known = ", ".join(p.id for p in portal())
    return (f"計画 {plan_id} はこのポータルにありません（あるもの: {known}）。 / "
            f"No plan {plan_id} here (the plans: {known}).")


def _named(plan_id: Any, name: Any) -> Optional[Plan]:
    """The plan a dataset names, else the plan its name belongs to."""
    plan = get(plan_id if isinstance(plan_id, str) else None)
    if plan is None:
        found = portal().of_dataset(name if isinstance(name, str) else None)
        plan = found[0] if found else None
    return plan


def of_fields(plan_id: Any, name: Any) -> Plan:
    """The plan of a dataset's fields: the plan it names, else the plan its name belongs to,
    else the current plan."""
    return _named(plan_id, name) or current()


def of_dataset(pkg: Union[dict[str, Any], str, None]) -> Optional[Plan]:
    """The plan a plan or initiative dataset (a dict or its name) belongs to."""
    if isinstance(pkg, dict):
        return _named(pkg.get("plan_id"), pkg.get("name"))
    return _named(None, pkg)


def url_scope(plan: Plan) -> str:
    """The part of the plan's download URLs that names it: none for the first plan, whose URLs
    stay as they always were (``/plan-data/structure.ja.csv``), else its id."""
    return "" if plan.id == portal().first.id else plan.id


def with_plan_id(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """An initiative's dict to index with the plan it belongs to, also when it was stored before
    initiatives named their plan (``ckan minato-plan migrate`` stores it)."""
    if pkg_dict.get("type") == "initiative" and not pkg_dict.get("plan_id"):
        pkg_dict["plan_id"] = of_fields(None, pkg_dict.get("name")).id
    return pkg_dict


def organization(plan: Plan) -> str:
    """The name of the organization that publishes ``plan``: the option, else the file's."""
    return config.organization_option() or plan.organization


def organizations() -> list[str]:
    """The organizations of the portal's plans, each once, in the order of the plans."""
    return list(dict.fromkeys(organization(p) for p in portal()))
