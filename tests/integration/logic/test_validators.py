"""Schema validation through CKAN's action API: bad values are refused field by field, in
Japanese and English, and nothing is stored."""
import pytest

from ckan.plugins import toolkit as tk
from ckan.tests import factories


def _initiative(org, **fields):
    data = {
        "type": "initiative", "name": "minato-plan-initiative-32", "owner_org": org["id"],
        "title_translated": {"ja": "テレワークの推進", "en": "Promotion of telework"},
        "initiative_no": 32, "guideline_no": 3, "measure_code": "3-3",
        "new_or_continued": "new", "plan_page": 83,
    }
    data.update(fields)
    return data


def _create(data):
    user = factories.Sysadmin()
    return tk.get_action("package_create")({"user": user["name"]}, data)


@pytest.fixture
def org():
    return factories.Organization(name="minato-city")


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
class TestInitiativeValidation:

    def test_valid_initiative_shows_contract_fields(self, org):
        created = _create(_initiative(org, progress=[
            {"fiscal_year": "2022", "status": "実施中", "rating": "B",
             "summary_ja": "試行", "summary_en": "Pilot"}]))
        shown = tk.get_action("package_show")({}, {"id": created["name"]})
        assert shown["title"] == "テレワークの推進"
        assert shown["title_translated"] == {"ja": "テレワークの推進", "en": "Promotion of telework"}
        assert (shown["initiative_no"], shown["guideline_no"], shown["plan_page"]) == (32, 3, 83)
        assert shown["measure_code"] == "3-3" and shown["new_or_continued"] == "new"
        assert shown["progress"] == [{"fiscal_year": 2022, "status": "in_progress",
                                      "rating": "B", "summary_ja": "試行",
                                      "summary_en": "Pilot"}]

    def test_department_is_blank_until_entered_and_kept_as_entered(self, org):
        created = _create(_initiative(org))
        shown = tk.get_action("package_show")({}, {"id": created["id"]})
        assert (shown["department_translated"], shown["department_email"]) == ({}, "")
        created = tk.get_action("package_patch")(
            {"user": factories.Sysadmin()["name"]},
            {"id": created["id"], "department_translated": {"ja": "情報政策課"},
             "department_email": "mailto:joho@example.jp"})
        assert created["department_translated"] == {"ja": "情報政策課"}
        assert created["department_email"] == "joho@example.jp"

    def test_unknown_page_is_null(self, org):
        created = _create(_initiative(org, plan_page=""))
        assert tk.get_action("package_show")({}, {"id": created["id"]})["plan_page"] is None

    @pytest.mark.parametrize("field, value, ja, en", [
        ("initiative_no", 40, "取組番号", "between 1 and 39"),
        ("guideline_no", 9, "情報化指針番号", "between 1 and 4"),
        ("measure_code", "5-1", "施策コード", "Measure code must be one of"),
        ("new_or_continued", "old", "新規・継続", "New or continued must be one of"),
        ("plan_page", "p.83", "計画書の頁", "Plan page must be a whole number"),
        ("department_email", "情報政策課", "メールアドレスの形式ではありません",
         "Not an e-mail address"),
    ])
    def test_bad_value_gives_field_error_in_both_languages(self, org, field, value, ja, en):
        with pytest.raises(tk.ValidationError) as err:
            _create(_initiative(org, **{field: value}))
        message = err.value.error_dict[field][0]
        assert ja in message and en in message
        assert tk.get_action("package_search")({}, {"q": "*:*"})["count"] == 0

    def test_required_fields(self, org):
        data = _initiative(org)
        del data["measure_code"]
        with pytest.raises(tk.ValidationError) as err:
            _create(data)
        assert err.value.error_dict["measure_code"] == ["必須項目です。 / This field is required."]

    def test_english_title_required(self, org):
        with pytest.raises(tk.ValidationError) as err:
            _create(_initiative(org, title_translated={"ja": "テレワークの推進"}))
        assert "英語" in err.value.error_dict["title_translated"][0]
        assert "English" in err.value.error_dict["title_translated"][0]

    def test_measure_must_belong_to_guideline(self, org):
        with pytest.raises(tk.ValidationError) as err:
            _create(_initiative(org, guideline_no=2))
        assert "does not belong to guideline 2" in err.value.error_dict["measure_code"][0]

    @pytest.mark.parametrize("entry, field, en", [
        ({"fiscal_year": 2020, "status": "in_progress", "rating": "A"}, "fiscal_year",
         "between 2021 and 2026"),
        ({"fiscal_year": 2027, "status": "in_progress", "rating": "A"}, "fiscal_year",
         "between 2021 and 2026"),
        ({"fiscal_year": 2022, "status": "done", "rating": "A"}, "status", "Status must be one of"),
        ({"fiscal_year": 2022, "status": "completed", "rating": "S"}, "rating",
         "Rating must be one of"),
        ({"fiscal_year": 2022, "rating": "A"}, "status", "required"),
    ])
    def test_progress_entry_errors_point_at_the_subfield(self, org, entry, field, en):
        with pytest.raises(tk.ValidationError) as err:
            _create(_initiative(org, progress=[entry]))
        assert en in err.value.error_dict["progress"][0][field][0]

    def test_one_progress_entry_per_fiscal_year(self, org):
        progress = [{"fiscal_year": 2022, "status": "in_progress", "rating": "A"},
                    {"fiscal_year": 2023, "status": "in_progress", "rating": "A"},
                    {"fiscal_year": 2022, "status": "completed", "rating": "B"}]
        with pytest.raises(tk.ValidationError) as err:
            _create(_initiative(org, progress=progress))
        errors = err.value.error_dict["progress"]
        assert "one entry per year" in errors[2]["fiscal_year"][0]
        assert "2022年度の進捗は既に1件目" in errors[2]["fiscal_year"][0]

    def test_rating_defaults_to_not_rated(self, org):
        created = _create(_initiative(org, progress=[{"fiscal_year": 2021,
                                                      "status": "under_study"}]))
        assert created["progress"][0]["rating"] == "-"

    def test_indicator_values_must_be_numbers(self, org):
        indicator = {"name_ja": "実施率", "name_en": "Rate", "unit": "%"}
        with pytest.raises(tk.ValidationError) as err:
            _create(_initiative(org, indicators=[indicator], indicator_values=[
                {"indicator": 1, "fiscal_year": 2026, "target": "多い"}]))
        assert "Enter a number" in err.value.error_dict["indicator_values"][0]["target"][0]
        created = _create(_initiative(org, indicators=[indicator], indicator_values=[
            {"indicator": "1", "fiscal_year": "2026", "target": "１００"},
            {"indicator": 1, "fiscal_year": 2021, "actual": "12.5"}]))
        values = {v["fiscal_year"]: v for v in created["indicator_values"]}
        assert (values[2026]["target"], values[2021]["actual"]) == ("100", "12.5")
        assert created["indicators"] == [indicator]

    def test_indicator_values_name_an_indicator_of_the_initiative_once_per_year(self, org):
        with pytest.raises(tk.ValidationError) as err:
            _create(_initiative(org, indicators=[{"name_ja": "実施率"}], indicator_values=[
                {"indicator": 1, "fiscal_year": 2023, "target": "5"},
                {"indicator": 2, "fiscal_year": 2023, "target": "5"},
                {"indicator": 1, "fiscal_year": 2023, "actual": "4"},
                {"indicator": 1, "fiscal_year": 2024},
                {"indicator": 1, "fiscal_year": 2030, "target": "1"}]))
        errors = err.value.error_dict["indicator_values"]
        assert "There is no indicator 2" in errors[1]["indicator"][0]
        assert "already entry 1" in errors[2]["fiscal_year"][0]
        assert "Give a target, an actual value or both" in errors[3]["target"][0]
        assert errors[4]["fiscal_year"]                  # outside the plan's period
