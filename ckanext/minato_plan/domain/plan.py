"""The plan model: guidelines, measures and initiatives of 港区情報化推進計画.

The plan's facts (the municipality, the period, the licence of its data, the structure) are read
from the packaged data file ``data/plan.yaml`` and checked for internal consistency; every other
module derives them from :func:`load_plan`.
"""
from __future__ import annotations

import dataclasses
import datetime
import re
from importlib import resources
from typing import Any, Iterable, Optional

import yaml

from .identifiers import guideline_group_name, initiative_name
from .labels import NEW_OR_CONTINUED
from .text import Text

@dataclasses.dataclass(frozen=True)
class Initiative:
    number: int
    title: Text
    guideline_no: int
    measure_code: str
    new_or_continued: str
    plan_page: Optional[int]

    @property
    def name(self) -> str:
        return initiative_name(self.number)


@dataclasses.dataclass(frozen=True)
class Measure:
    code: str
    guideline_no: int
    title: Text
    initiative_numbers: tuple[int, ...]


@dataclasses.dataclass(frozen=True)
class Guideline:
    number: int
    title: Text
    measure_codes: tuple[str, ...]

    @property
    def group_name(self) -> str:
        return guideline_group_name(self.number)


@dataclasses.dataclass(frozen=True)
class Half:
    name: Text
    start_fiscal_year: int
    end_fiscal_year: int


@dataclasses.dataclass(frozen=True)
class License:
    """The licence the plan's data is published under."""

    id: str
    title: Text
    url: str


@dataclasses.dataclass(frozen=True)
class Area:
    """The area the plan covers: an IRI of e-Stat's statistical area codes, and its name."""

    iri: str
    label: Text


@dataclasses.dataclass(frozen=True)
class Correction:
    initiative_no: int
    printed: str
    published: str
    note: Text


@dataclasses.dataclass(frozen=True)
class Plan:
    id: str
    title: Text
    short_title: Text
    municipality_code: str
    municipality_name: Text
    area: Area
    license: License
    start_fiscal_year: int
    end_fiscal_year: int
    halves: tuple[Half, ...]
    review_fiscal_year: int
    upper_plan: Text
    legal_basis: Text
    purpose: Text
    review_note: Text
    progress_management: Text
    previous_projects: dict[str, int]
    corrections: tuple[Correction, ...]
    guidelines: tuple[Guideline, ...]
    measures: tuple[Measure, ...]
    initiatives: tuple[Initiative, ...]

    def guideline(self, number: int) -> Guideline:
        return _find(self.guidelines, "number", number)

    def measure(self, code: str) -> Measure:
        return _find(self.measures, "code", code)

    def initiative(self, number: int) -> Initiative:
        return _find(self.initiatives, "number", number)

    @property
    def fiscal_years(self) -> tuple[int, ...]:
        """Every fiscal year of the plan period, oldest first."""
        return tuple(range(self.start_fiscal_year, self.end_fiscal_year + 1))

    @property
    def start_date(self) -> datetime.date:
        return fiscal_year_start(self.start_fiscal_year)

    @property
    def end_date(self) -> datetime.date:
        return fiscal_year_end(self.end_fiscal_year)


class PlanDataError(ValueError):
    """The plan data file is inconsistent."""


def _find(items: Iterable[Any], attr: str, value: Any) -> Any:
    for item in items:
        if getattr(item, attr) == value:
            return item
    raise KeyError(value)


def fiscal_year_start(fiscal_year: int) -> datetime.date:
    return datetime.date(fiscal_year, 4, 1)


def fiscal_year_end(fiscal_year: int) -> datetime.date:
    return datetime.date(fiscal_year + 1, 3, 31)


def _text(raw: Any, where: str) -> Text:
    if not isinstance(raw, dict) or not raw.get("ja") or not raw.get("en"):
        raise PlanDataError(f"{where}: needs non-empty 'ja' and 'en'")
    return Text(ja=str(raw["ja"]).strip(), en=str(raw["en"]).strip())


def parse_plan(raw: dict[str, Any]) -> Plan:
    """Build a :class:`Plan` from the data file's structure and check it."""
    p = raw["plan"]
    guidelines, measures, initiatives = [], [], []
    for g in raw["guidelines"]:
        gno = int(g["number"])
        codes = []
        for m in g["measures"]:
            code = str(m["code"])
            numbers = []
            for i in m["initiatives"]:
                if i["type"] not in NEW_OR_CONTINUED:
                    raise PlanDataError(
                        f"initiative {i['number']}: type must be new or continued")
                page = i.get("page")
                initiatives.append(Initiative(
                    number=int(i["number"]),
                    title=_text(i, f"initiative {i['number']}"),
                    guideline_no=gno,
                    measure_code=code,
                    new_or_continued=i["type"],
                    plan_page=int(page) if page is not None else None,
                ))
                numbers.append(int(i["number"]))
            measures.append(Measure(code, gno, _text(m["title"], f"measure {code}"),
                                    tuple(numbers)))
            codes.append(code)
        guidelines.append(Guideline(gno, _text(g["title"], f"guideline {gno}"),
                                    tuple(codes)))
    plan = Plan(
        id=p["id"],
        title=_text(p["title"], "plan.title"),
        short_title=_text(p["short_title"], "plan.short_title"),
        municipality_code=str(p["municipality"]["code"]),
        municipality_name=_text(p["municipality"]["name"], "plan.municipality"),
        area=Area(str(p["municipality"]["area"]["iri"]),
                  _text(p["municipality"]["area"]["label"], "plan.municipality.area")),
        license=License(str(p["license"]["id"]), _text(p["license"]["title"], "plan.license"),
                        str(p["license"]["url"])),
        start_fiscal_year=int(p["period"]["start_fiscal_year"]),
        end_fiscal_year=int(p["period"]["end_fiscal_year"]),
        halves=tuple(Half(_text(h["name"], "plan.halves"), int(h["start_fiscal_year"]),
                          int(h["end_fiscal_year"])) for h in p["halves"]),
        review_fiscal_year=int(p["review_fiscal_year"]),
        upper_plan=_text(p["upper_plan"], "plan.upper_plan"),
        legal_basis=_text(p["legal_basis"], "plan.legal_basis"),
        purpose=_text(p["purpose"], "plan.purpose"),
        review_note=_text(p["review_note"], "plan.review_note"),
        progress_management=_text(p["progress_management"], "plan.progress_management"),
        previous_projects={k: int(v) for k, v in p["previous_projects"].items()},
        corrections=tuple(Correction(int(c["initiative_no"]), c["printed"], c["published"],
                                     _text(c["note"], "plan.corrections"))
                          for c in p.get("corrections", [])),
        guidelines=tuple(guidelines),
        measures=tuple(measures),
        initiatives=tuple(sorted(initiatives, key=lambda i: i.number)),
    )
    problems = check_plan(plan)
    if problems:
        raise PlanDataError("; ".join(problems))
    return plan


def check_plan(plan: Plan) -> list[str]:
    """Internal consistency of a plan; an empty list means consistent."""
    problems = []
    numbers = [i.number for i in plan.initiatives]
    if numbers != list(range(1, len(numbers) + 1)):
        problems.append("initiative numbers must run 1..N without gaps or duplicates")
    codes = [m.code for m in plan.measures]
    if len(set(codes)) != len(codes):
        problems.append("measure codes must be unique")
    for m in plan.measures:
        if not m.code.startswith(f"{m.guideline_no}-"):
            problems.append(f"measure {m.code} does not belong to guideline {m.guideline_no}")
    if not re.fullmatch(r"[0-9]{6}", plan.municipality_code):
        problems.append("the municipality code must be 6 digits")
    if plan.start_fiscal_year > plan.end_fiscal_year:
        problems.append("plan period starts after it ends")
    if not plan.start_fiscal_year <= plan.review_fiscal_year <= plan.end_fiscal_year:
        problems.append("review year lies outside the plan period")
    prev = plan.previous_projects
    if sum(v for k, v in prev.items() if k != "total") != prev.get("total"):
        problems.append("previous projects do not add up to their total")
    return problems


_PLAN_CACHE: Optional[Plan] = None


def load_plan() -> Plan:
    """The plan, read once from the packaged data file."""
    global _PLAN_CACHE
    if _PLAN_CACHE is None:
        text = resources.files("ckanext.minato_plan").joinpath("data/plan.yaml").read_text(
            encoding="utf-8")
        _PLAN_CACHE = parse_plan(yaml.safe_load(text))
    return _PLAN_CACHE


def measure_belongs_to_guideline(measure_code: str, guideline_no: int) -> bool:
    try:
        return load_plan().measure(measure_code).guideline_no == int(guideline_no)
    except (KeyError, ValueError, TypeError):
        return False


def initiative_notes(plan: Plan, initiative: Initiative) -> Text:
    """A factual description of an initiative, derived from its place in the plan."""
    g = plan.guideline(initiative.guideline_no)
    m = plan.measure(initiative.measure_code)
    kind_ja, kind_en = NEW_OR_CONTINUED[initiative.new_or_continued]
    page_ja = (f"計画書{initiative.plan_page}頁" if initiative.plan_page
               else "計画書の掲載頁は不明")
    page_en = (f"plan page {initiative.plan_page}" if initiative.plan_page
               else "plan page unknown")
    ja = (f"{plan.title.ja}の取組{initiative.number}（{kind_ja}）。"
          f"情報化指針{g.number}「{g.title.ja}」、施策{m.code}「{m.title.ja}」に"
          f"位置付けられています（{page_ja}）。")
    en = (f"Initiative {initiative.number} ({kind_en.lower()}) of the {plan.title.en}, "
          f"under guideline {g.number} \"{g.title.en}\" and measure {m.code} "
          f"\"{m.title.en}\" ({page_en}).")
    return Text(ja, en)
