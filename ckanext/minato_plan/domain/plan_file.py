"""The plan file: the format in which a municipality writes its plan for the portal.

A plan file is YAML (or JSON, which is YAML too) shaped as ``schemas/plan_file.schema.json``
says; :func:`problems` lists everything wrong with one, each with where it is, the value found
and why it is refused in Japanese and English, so a file is corrected in one pass. The checks
are the JSON Schema's and the rules a schema cannot state (numbering, which measure belongs to
which guideline, years inside the period, counts that add up).
"""
from __future__ import annotations

import dataclasses
import functools
import json
import pathlib
import re
from importlib import resources
from typing import Any, Callable, Iterable, Iterator

import yaml

from .identifiers import ALL_PLANS
from .text import Text

SCHEMA_FILE = "plan_file.schema.json"


@dataclasses.dataclass(frozen=True)
class Problem:
    """One thing wrong with a plan file."""

    path: str
    value: Any
    why: Text

    def __str__(self) -> str:
        return f"{self.path}: {shown(self.value)} — {self.why.ja} / {self.why.en}"


class PlanFileError(ValueError):
    """A plan file that cannot be loaded, with every problem found in it."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


_MISSING = object()


def shown(value: Any) -> str:
    """A value as a problem line shows it: scalars as written, containers abridged."""
    if value is _MISSING:
        return "(なし / missing)"
    if isinstance(value, dict):
        return "{…}"
    if isinstance(value, list):
        return f"[{len(value)} items]"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "…"


@functools.lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    """The plan file's JSON Schema, shipped in the package."""
    text = resources.files("ckanext.minato_plan.schemas").joinpath(SCHEMA_FILE).read_text(
        encoding="utf-8")
    return json.loads(text)


@functools.lru_cache(maxsize=1)
def _validator() -> Any:
    import jsonschema

    return jsonschema.Draft202012Validator(schema())


class _UniqueKeyLoader(yaml.SafeLoader):
    """YAML's safe loader, refusing a key written twice in one mapping (YAML would keep the
    second and drop the first without a word)."""


def _mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    seen: set[Any] = set()
    for key_node, _value_node in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                "while reading a mapping", node.start_mark,
                f"found the key {key!r} twice", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def read(text: str) -> Any:
    """The structure of a plan file's text; :class:`PlanFileError` when it is no YAML."""
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 (a SafeLoader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "file"
        raise PlanFileError([Problem(f"({where})", _MISSING, Text(
            f"YAMLとして読めません: {err.problem or err}",
            f"not readable as YAML: {err.problem or err}"))]) from None
    except yaml.YAMLError as err:
        raise PlanFileError([Problem("(file)", _MISSING, Text(
            f"YAMLとして読めません: {err}", f"not readable as YAML: {err}"))]) from None


def path_text(parts: Iterable[Any]) -> str:
    """``("guidelines", 0, "measures", 1, "code")`` -> ``guidelines[0].measures[1].code``."""
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top)"


_TYPE_NAMES = {"object": ("対応表（キーと値）", "a mapping"), "array": ("リスト", "a list"),
               "string": ("文字列", "a string"), "integer": ("整数", "an integer"),
               "number": ("数", "a number"), "boolean": ("真偽値", "true or false"),
               "null": ("null", "null")}


def _type_names(types: Any) -> tuple[str, str]:
    names = [_TYPE_NAMES.get(t, (t, t)) for t in ([types] if isinstance(types, str) else types)]
    return "または".join(n[0] for n in names), " or ".join(n[1] for n in names)


def _schema_problem(error: Any) -> Problem:
    """A :class:`Problem` for one ``jsonschema`` error, in both languages."""
    parts = list(error.absolute_path)
    kind, limit, value = error.validator, error.validator_value, error.instance
    custom = error.schema.get("x-why") if isinstance(error.schema, dict) else None
    if kind == "required":
        missing = [key for key in limit if key not in value]
        return Problem(path_text(parts + missing[:1]), _MISSING,
                       Text("必須項目がありません", "a required field is missing"))
    if kind == "additionalProperties":
        extra = sorted(set(value) - set(error.schema.get("properties", {})), key=str)
        return Problem(path_text(parts + extra[:1]), value.get(extra[0]) if extra else value,
                       Text("この形式にない項目です（綴りを確かめてください）",
                            "no such field in the format (check its spelling)"))
    if custom:
        return Problem(path_text(parts), value, Text(custom["ja"], custom["en"]))
    if kind == "type":
        ja, en = _type_names(limit)
        return Problem(path_text(parts), value, Text(f"{ja}でなければなりません", f"must be {en}"))
    if kind == "minimum":
        return Problem(path_text(parts), value, Text(f"{limit}以上にしてください",
                                                     f"must be at least {limit}"))
    if kind == "maximum":
        return Problem(path_text(parts), value, Text(f"{limit}以下にしてください",
                                                     f"must be at most {limit}"))
    if kind in ("enum", "const"):
        options = limit if kind == "enum" else [limit]
        listed = ", ".join(json.dumps(o, ensure_ascii=False) for o in options)
        return Problem(path_text(parts), value, Text(f"次のいずれかにしてください: {listed}",
                                                     f"must be one of {listed}"))
    if kind == "minItems":
        return Problem(path_text(parts), value, Text(f"{limit}件以上必要です",
                                                     f"needs at least {limit} item(s)"))
    return Problem(path_text(parts), value, Text(f"形式に合いません（{kind}）",
                                                 f"does not match the format ({error.message})"))


def schema_problems(raw: Any) -> list[Problem]:
    """Everything in ``raw`` that the JSON Schema refuses, ordered by where it is."""
    errors = sorted(_validator().iter_errors(raw), key=lambda e: [
        (0, p) if isinstance(p, int) else (1, p) for p in e.absolute_path])
    return [_schema_problem(e) for e in errors]


def _initiatives(raw: dict[str, Any]) -> Iterator[tuple[tuple[Any, ...], dict[str, Any]]]:
    """Each initiative of the file with its path."""
    for gi, guideline in enumerate(raw["guidelines"]):
        for mi, measure in enumerate(guideline["measures"]):
            for ii, initiative in enumerate(measure["initiatives"]):
                yield ("guidelines", gi, "measures", mi, "initiatives", ii), initiative


_Add = Callable[[Iterable[Any], Any, str, str], None]


def _period_rules(raw: dict[str, Any], add: _Add) -> None:
    plan = raw["plan"]
    start = plan["period"]["start_fiscal_year"]
    end = plan["period"]["end_fiscal_year"]
    if start > end:
        add(("plan", "period", "end_fiscal_year"), end,
            f"計画期間の開始年度（{start}）より前です", f"comes before the start year ({start})")
    review = plan.get("review_fiscal_year")
    if review is not None and not start <= review <= end:
        add(("plan", "review_fiscal_year"), review, f"計画期間（{start}〜{end}年度）の外です",
            f"lies outside the plan period (FY{start}–FY{end})")
    previous_end = start - 1
    for k, half in enumerate(plan.get("halves", [])):
        h_start, h_end = half["start_fiscal_year"], half["end_fiscal_year"]
        if h_start > h_end or h_start <= previous_end or not start <= h_start <= h_end <= end:
            add(("plan", "halves", k), f"{h_start}-{h_end}",
                "計画期間の中に、前の区分と重ならない順で書いてください",
                "must lie inside the plan period, in order, without overlapping the one before")
        previous_end = max(previous_end, h_end)


def check_digit(code5: str) -> int:
    """The check digit of a five-digit local government code (総務省's rule: weights 6-2,
    remainder by 11, the last digit of 11 minus it): ``"13103"`` -> 2."""
    total = sum(int(d) * w for d, w in zip(code5, (6, 5, 4, 3, 2)))
    return (11 - total % 11) % 10


def _municipality_rules(raw: dict[str, Any], add: _Add) -> None:
    code = raw["plan"]["municipality"]["code"]
    expected = check_digit(code[:5])
    if int(code[5]) != expected:
        add(("plan", "municipality", "code"), code,
            f"検査数字が合いません（{code[:5]}の検査数字は{expected}）",
            f"the check digit does not match (that of {code[:5]} is {expected})")


def _count_rules(raw: dict[str, Any], add: _Add) -> None:
    counts = raw["plan"].get("previous_projects")
    if counts:
        parts = sum(v for k, v in counts.items() if k != "total")
        if len(counts) > 1 and parts != counts["total"]:
            add(("plan", "previous_projects", "total"), counts["total"],
                f"内訳の合計（{parts}）と一致しません", f"the parts add up to {parts}")


def _structure_rules(raw: dict[str, Any], add: _Add) -> None:
    for gi, guideline in enumerate(raw["guidelines"]):
        if guideline["number"] != gi + 1:
            add(("guidelines", gi, "number"), guideline["number"],
                f"指針は1から順に番号を付けてください（ここは{gi + 1}）",
                f"guidelines are numbered 1, 2, … in order (this one is {gi + 1})")
    codes: dict[str, tuple[Any, ...]] = {}
    for gi, guideline in enumerate(raw["guidelines"]):
        for mi, measure in enumerate(guideline["measures"]):
            where = ("guidelines", gi, "measures", mi, "code")
            code = measure["code"]
            if code in codes:
                add(where, code, f"{path_text(codes[code])} と重複しています",
                    f"the same code as {path_text(codes[code])}")
            codes.setdefault(code, where)
            if code.split("-")[0] != str(guideline["number"]):
                add(where, code, f"指針{guideline['number']}の施策は「{guideline['number']}-」で"
                    "始まるコードにしてください",
                    f"a measure of guideline {guideline['number']} has a code starting "
                    f"with \"{guideline['number']}-\"")


def _numbering_rules(raw: dict[str, Any], add: _Add) -> None:
    numbers: dict[int, tuple[Any, ...]] = {}
    for parts, initiative in _initiatives(raw):
        number = initiative["number"]
        if number in numbers:
            add(parts + ("number",), number, f"{path_text(numbers[number])} と重複しています",
                f"the same number as {path_text(numbers[number])}")
        numbers.setdefault(number, parts)
    missing = sorted(set(range(1, len(numbers) + 1)) - set(numbers))
    if missing:
        listed = ", ".join(str(n) for n in missing[:10]) + ("…" if len(missing) > 10 else "")
        add(("guidelines",), listed, f"取組番号は1から欠番なしで付けてください（ない番号: {listed}）",
            f"initiatives are numbered 1..N without gaps (missing: {listed})")
    for k, correction in enumerate(raw["plan"].get("corrections", [])):
        if correction["initiative_no"] not in numbers:
            add(("plan", "corrections", k, "initiative_no"), correction["initiative_no"],
                "この番号の取組はありません", "no initiative has this number")


def _id_rules(raw: dict[str, Any], add: _Add) -> None:
    if raw["plan"]["id"] == ALL_PLANS:
        add(("plan", "id"), ALL_PLANS, "「all」は全ての計画のダウンロードの名前のため使えません",
            "is the name of the downloads of every plan (/plan-data/all/…); choose another")


def _predecessor_rules(raw: dict[str, Any], add: _Add) -> None:
    own = raw["plan"]["id"]
    for parts, initiative in _initiatives(raw):
        seen: set[tuple[Any, Any]] = set()
        for k, link in enumerate(initiative.get("predecessors", [])):
            where = parts + ("predecessors", k)
            key = (link["plan"], link["initiative"])
            if link["plan"] == own:
                add(where + ("plan",), link["plan"], "前の計画のidを書いてください（この計画自身です）",
                    "must name an earlier plan (this is the plan itself)")
            elif key in seen:
                add(where, f"{key[0]} {key[1]}", "同じ取組が2回書かれています",
                    "names the same initiative twice")
            elif link["relation"] == "continued" and initiative["type"] == "new":
                add(where + ("relation",), link["relation"],
                    "新規の取組は前の計画の取組を継続できません（typeをcontinuedにするか、relationをmergedに）",
                    "a new initiative continues nothing (make its type continued, or the relation "
                    "merged)")
            seen.add(key)


_RULES = (_id_rules, _municipality_rules, _period_rules, _count_rules, _structure_rules,
          _numbering_rules, _predecessor_rules)


def rule_problems(raw: Any) -> list[Problem]:
    """What the schema cannot say. Each rule looks at its part of the file; a rule whose part
    the schema already refuses is left out (its problem is listed by the schema)."""
    problems: list[Problem] = []
    for rule in _RULES:
        found: list[Problem] = []

        def add(parts: Iterable[Any], value: Any, ja: str, en: str) -> None:
            found.append(Problem(path_text(parts), value, Text(ja, en)))

        try:
            rule(raw, add)
        except (KeyError, IndexError, TypeError, AttributeError, ValueError):
            continue
        problems.extend(found)
    return problems


def problems(raw: Any) -> list[Problem]:
    """Everything wrong with a plan file's structure; empty when it can be loaded."""
    return schema_problems(raw) + rule_problems(raw)


def checked(raw: Any) -> dict[str, Any]:
    """``raw`` when it is a valid plan file; :class:`PlanFileError` listing every problem."""
    found = problems(raw)
    if found:
        raise PlanFileError(found)
    return raw


def read_checked(text: str) -> dict[str, Any]:
    return checked(read(text))


#: The plan file the package carries (Minato City's FY2021–FY2026 plan), as a reference.
EMBEDDED = "ckanext.minato_plan:data/plan.yaml"
_PACKAGE_REFERENCE = re.compile(r"^([A-Za-z_][A-Za-z0-9_.]*):([^:]+)$")


def text_of(reference: str) -> str:
    """The text of the plan file ``reference`` names: a file path, or ``package:path`` inside
    an installed Python package (as ckanext-scheming names its schemas)."""
    found = _PACKAGE_REFERENCE.match(reference.strip())
    if found and not pathlib.Path(reference).exists():
        return resources.files(found.group(1)).joinpath(found.group(2)).read_text(
            encoding="utf-8")
    return pathlib.Path(reference.strip()).read_text(encoding="utf-8")


def embedded_text() -> str:
    """The text of the plan file the package carries."""
    return text_of(EMBEDDED)

