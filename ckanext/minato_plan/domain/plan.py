"""The plan model: guidelines, measures and initiatives of 港区情報化推進計画.

The plan's facts (the municipality, the period, the licence of its data, the structure) are read
from a plan file (``plan_file``: its format and checks); the package carries Minato City's in
``data/plan.yaml``, and every other module derives them from :func:`load_plan`.
"""
from __future__ import annotations

import dataclasses
import datetime
from typing import Any, Iterable, Optional

from . import identifiers, plan_file
from .labels import NEW_OR_CONTINUED
from .text import Text

@dataclasses.dataclass(frozen=True)
class Predecessor:
    """An initiative of an earlier plan that an initiative carries on."""

    plan_id: str
    number: int
    relation: str        # "continued" (継続) or "merged" (統合)


@dataclasses.dataclass(frozen=True)
class Initiative:
    number: int
    title: Text
    guideline_no: int
    measure_code: str
    new_or_continued: str
    plan_page: Optional[int]
    name: str            # its CKAN dataset: <plan id>-initiative-NN
    predecessors: tuple[Predecessor, ...] = ()


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
    group_name: str      # its CKAN group


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
    id: str              # the name of its CKAN dataset
    organization: str    # the CKAN organization publishing it
    initiative_mark: str
    title: Text
    short_title: Text
    municipality_code: str
    municipality_name: Text
    area: Area
    license: License
    start_fiscal_year: int
    end_fiscal_year: int
    halves: tuple[Half, ...]
    review_fiscal_year: Optional[int]
    upper_plan: Optional[Text]
    legal_basis: Optional[Text]
    purpose: Optional[Text]
    review_note: Optional[Text]
    progress_management: Optional[Text]
    source: Optional[Text]
    previous_projects: Optional[dict[str, int]]
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
    def id_stem(self) -> str:
        """The start of the plan's identifiers (``131032JK``)."""
        return identifiers.id_stem(self.municipality_code, self.initiative_mark)

    def initiative_id(self, number: int) -> str:
        return identifiers.initiative_id(self.id_stem, number)

    def initiative_name(self, number: int) -> str:
        return identifiers.initiative_name(self.id, number)

    def measure_belongs_to_guideline(self, measure_code: str, guideline_no: Any) -> bool:
        try:
            return self.measure(measure_code).guideline_no == int(guideline_no)
        except (KeyError, ValueError, TypeError):
            return False

    @property
    def fiscal_years(self) -> tuple[int, ...]:
        """Every fiscal year of the plan period, oldest first."""
        return tuple(range(self.start_fiscal_year, self.end_fiscal_year + 1))

    def status(self, on: datetime.date) -> str:
        """One of :data:`PLAN_STATUSES` on the date ``on``: ``upcoming`` before the period's
        first day, ``current`` within it, ``ended`` after its last day."""
        if on < self.start_date:
            return "upcoming"
        return "current" if on <= self.end_date else "ended"

    @property
    def start_date(self) -> datetime.date:
        return fiscal_year_start(self.start_fiscal_year)

    @property
    def end_date(self) -> datetime.date:
        return fiscal_year_end(self.end_fiscal_year)


#: A plan's place in time (:meth:`Plan.status`).
PLAN_STATUSES = ("upcoming", "current", "ended")

#: Japan Standard Time: a fiscal year starts on 1 April in Japan.
JST = datetime.timezone(datetime.timedelta(hours=9), "JST")


def today_in_japan(now: Optional[datetime.datetime] = None) -> datetime.date:
    """The date in Japan at ``now`` (an aware time; the current time when None)."""
    return (now or datetime.datetime.now(datetime.timezone.utc)).astimezone(JST).date()


def _find(items: Iterable[Any], attr: str, value: Any) -> Any:
    for item in items:
        if getattr(item, attr) == value:
            return item
    raise KeyError(value)


def fiscal_year_of(day: datetime.date) -> int:
    """The fiscal year a date falls in (from 1 April to 31 March)."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_start(fiscal_year: int) -> datetime.date:
    return datetime.date(fiscal_year, 4, 1)


def fiscal_year_end(fiscal_year: int) -> datetime.date:
    return datetime.date(fiscal_year + 1, 3, 31)


def _text(raw: Any) -> Optional[Text]:
    if raw is None:
        return None
    return Text(ja=str(raw["ja"]).strip(), en=str(raw["en"]).strip())


def build_plan(raw: dict[str, Any]) -> Plan:
    """A :class:`Plan` from a plan file's structure, taken as it is (:func:`parse_plan` checks
    it first)."""
    p = raw["plan"]
    plan_id = p["id"]
    group_prefix = p.get("guideline_group_prefix") or identifiers.default_guideline_group_prefix(
        plan_id)
    guidelines, measures, initiatives = [], [], []
    for g in raw["guidelines"]:
        gno = int(g["number"])
        codes = []
        for m in g["measures"]:
            code = str(m["code"])
            numbers = []
            for i in m["initiatives"]:
                page = i.get("page")
                initiatives.append(Initiative(
                    number=int(i["number"]),
                    title=_text(i),
                    guideline_no=gno,
                    measure_code=code,
                    new_or_continued=i["type"],
                    plan_page=int(page) if page is not None else None,
                    name=identifiers.initiative_name(plan_id, int(i["number"])),
                    predecessors=tuple(Predecessor(str(p_["plan"]), int(p_["initiative"]),
                                                   str(p_["relation"]))
                                       for p_ in i.get("predecessors", [])),
                ))
                numbers.append(int(i["number"]))
            measures.append(Measure(code, gno, _text(m["title"]), tuple(numbers)))
            codes.append(code)
        guidelines.append(Guideline(gno, _text(g["title"]), tuple(codes),
                                    identifiers.guideline_group_name(group_prefix, gno)))
    review = p.get("review_fiscal_year")
    code = str(p["municipality"]["code"])
    return Plan(
        id=plan_id,
        organization=p.get("organization") or identifiers.default_organization(code),
        initiative_mark=p.get("initiative_mark") or identifiers.DEFAULT_INITIATIVE_MARK,
        title=_text(p["title"]),
        short_title=_text(p["short_title"]),
        municipality_code=code,
        municipality_name=_text(p["municipality"]["name"]),
        area=Area(str(p["municipality"]["area"]["iri"]), _text(p["municipality"]["area"]["label"])),
        license=License(str(p["license"]["id"]), _text(p["license"]["title"]),
                        str(p["license"]["url"])),
        start_fiscal_year=int(p["period"]["start_fiscal_year"]),
        end_fiscal_year=int(p["period"]["end_fiscal_year"]),
        halves=tuple(Half(_text(h["name"]), int(h["start_fiscal_year"]),
                          int(h["end_fiscal_year"])) for h in p.get("halves", [])),
        review_fiscal_year=int(review) if review is not None else None,
        upper_plan=_text(p.get("upper_plan")),
        legal_basis=_text(p.get("legal_basis")),
        purpose=_text(p.get("purpose")),
        review_note=_text(p.get("review_note")),
        progress_management=_text(p.get("progress_management")),
        source=_text(p.get("source")),
        previous_projects=({k: int(v) for k, v in p["previous_projects"].items()}
                           if p.get("previous_projects") else None),
        corrections=tuple(Correction(int(c["initiative_no"]), c["printed"], c["published"],
                                     _text(c["note"]))
                          for c in p.get("corrections", [])),
        guidelines=tuple(guidelines),
        measures=tuple(measures),
        initiatives=tuple(sorted(initiatives, key=lambda i: i.number)),
    )


def parse_plan(raw: Any) -> Plan:
    """The :class:`Plan` of a plan file's structure; :class:`plan_file.PlanFileError` listing
    every problem when it is not a valid plan file."""
    return build_plan(plan_file.checked(raw))


def read_plan(text: str) -> Plan:
    """The :class:`Plan` of a plan file's text (YAML or JSON)."""
    return parse_plan(plan_file.read(text))


_PLAN_CACHE: Optional[Plan] = None


def load_plan() -> Plan:
    """The plan the package carries, read once from its data file."""
    global _PLAN_CACHE
    if _PLAN_CACHE is None:
        _PLAN_CACHE = read_plan(plan_file.embedded_text())
    return _PLAN_CACHE


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
