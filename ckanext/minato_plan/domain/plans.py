"""Several plans side by side: the checks that concern more than one plan, and the links
between them (an initiative's predecessors in earlier plans, and its successors).

A portal holds plans of one or more municipalities over time. Each plan keeps its own names and
identifiers; no two plans may share a dataset name, a guideline group or an identifier stem
(municipality code + initiative mark), so that no public identifier is ever used twice.
"""
from __future__ import annotations

import dataclasses
import datetime
from typing import Iterable, Optional

from .plan import Initiative, Plan, Predecessor
from .text import Text


@dataclasses.dataclass(frozen=True)
class Link:
    """One step of continuity: ``earlier`` (plan id, number) is carried on by ``later``."""

    earlier: tuple[str, int]
    later: tuple[str, int]
    relation: str


class PlanSet:
    """The plans of a portal, by id, oldest period first."""

    def __init__(self, plans: Iterable[Plan]):
        given = tuple(plans)
        self.plans: tuple[Plan, ...] = tuple(sorted(
            given, key=lambda p: (p.start_fiscal_year, p.end_fiscal_year, p.id)))
        self._given = given
        self._by_id = {p.id: p for p in self.plans}
        self._datasets = {i.name: (p, i.number) for p in self.plans for i in p.initiatives}

    @property
    def first(self) -> Plan:
        """The plan listed first (the portal's own; its download URLs name no plan)."""
        return self._given[0]

    def __iter__(self):
        return iter(self.plans)

    def __len__(self) -> int:
        return len(self.plans)

    def current(self, today: datetime.date) -> Plan:
        """The plan residents mean by "the plan" on ``today``: the first listed of those in
        their period, else the one that ended last, else the first to start."""
        for status in ("current", "ended", "upcoming"):
            found = [p for p in self._given if p.status(today) == status]
            if found:
                if status == "ended":
                    return max(found, key=lambda p: p.end_date)
                if status == "upcoming":
                    return min(found, key=lambda p: p.start_date)
                return found[0]
        raise LookupError("no plans")

    def of_dataset(self, name: Optional[str]) -> Optional[tuple[Plan, Optional[int]]]:
        """The plan a dataset name belongs to and the initiative's number (None for the plan's
        own dataset); None for any other name."""
        if not name:
            return None
        if name in self._by_id:
            return self._by_id[name], None
        return self._datasets.get(name)

    def __contains__(self, plan_id: object) -> bool:
        return plan_id in self._by_id

    def get(self, plan_id: str) -> Optional[Plan]:
        return self._by_id.get(plan_id)

    def initiative(self, plan_id: str, number: int) -> Optional[Initiative]:
        plan = self._by_id.get(plan_id)
        if plan is None:
            return None
        try:
            return plan.initiative(number)
        except KeyError:
            return None

    def links(self) -> list[Link]:
        """Every predecessor link whose earlier initiative is in the set."""
        out = []
        for plan in self.plans:
            for initiative in plan.initiatives:
                for p in initiative.predecessors:
                    if self.initiative(p.plan_id, p.number) is not None:
                        out.append(Link((p.plan_id, p.number), (plan.id, initiative.number),
                                        p.relation))
        return out

    def predecessors(self, plan_id: str, number: int) -> list[tuple[Predecessor, Initiative]]:
        """The initiatives of earlier plans in the set that ``plan_id``'s ``number`` carries on."""
        initiative = self.initiative(plan_id, number)
        if initiative is None:
            return []
        found = []
        for p in initiative.predecessors:
            earlier = self.initiative(p.plan_id, p.number)
            if earlier is not None:
                found.append((p, earlier))
        return found

    def successors(self, plan_id: str, number: int) -> list[tuple[str, Initiative, str]]:
        """(plan id, initiative, relation) of the initiatives of later plans that carry
        ``plan_id``'s ``number`` on."""
        return [(link.later[0], self.initiative(*link.later), link.relation)
                for link in self.links() if link.earlier == (plan_id, number)]


@dataclasses.dataclass(frozen=True)
class Clash:
    """A problem of a plan beside the others: what, and why (ja / en)."""

    plan_id: str
    why: Text

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.why.ja} / {self.why.en}"


def clashes(new: Plan, existing: Iterable[Plan]) -> list[Clash]:
    """Why ``new`` cannot join ``existing`` (a plan of the same id is the one it replaces):
    a name or identifier another plan has, or a predecessor that is not an earlier plan's
    initiative."""
    others = [p for p in existing if p.id != new.id]
    found: list[Clash] = []

    def add(ja: str, en: str) -> None:
        found.append(Clash(new.id, Text(ja, en)))

    for other in others:
        if other.id_stem == new.id_stem:
            add(f"識別子の頭（{new.id_stem}）が計画 {other.id} と同じです。initiative_mark を変えてください",
                f"its identifiers start like those of plan {other.id} ({new.id_stem}); give it "
                "another initiative_mark")
        names = {i.name for i in other.initiatives} | {other.id}
        if new.id in names:
            add(f"id が計画 {other.id} のデータセット名と同じです",
                f"its id is a dataset name of plan {other.id}")
        shared = {g.group_name for g in new.guidelines} & {g.group_name for g in other.guidelines}
        if shared:
            add(f"指針のグループ名（{', '.join(sorted(shared))}）が計画 {other.id} と同じです。"
                "guideline_group_prefix を変えてください",
                f"its guideline groups ({', '.join(sorted(shared))}) are named like those of plan "
                f"{other.id}; give it another guideline_group_prefix")
    plans = PlanSet([*others, new])
    for initiative in new.initiatives:
        for p in initiative.predecessors:
            earlier = plans.get(p.plan_id)
            where = f"取組{initiative.number}の前身 {p.plan_id} {p.number}"
            where_en = f"initiative {initiative.number}'s predecessor {p.plan_id} {p.number}"
            if earlier is None:
                add(f"{where}: この計画はポータルにありません", f"{where_en}: no such plan here")
            elif plans.initiative(p.plan_id, p.number) is None:
                add(f"{where}: この番号の取組はありません", f"{where_en}: no such initiative")
            elif earlier.start_fiscal_year >= new.start_fiscal_year:
                add(f"{where}: この計画より前の計画ではありません",
                    f"{where_en}: not a plan that started before this one")
    return found
