"""Place lookup: a shared name is settled only by what the text says."""

from __future__ import annotations

import pytest

from generator.domain import places


@pytest.mark.parametrize(
    "name, text, doc_index, code",
    [
        ("江北区", "重庆市江北区司法局", "", "500105"),
        ("江北区", "宁波市江北区司法局", "", "330205"),
        ("江北区", "浙江省江北区", "", "330205"),
        ("朝阳区", "长春市朝阳区人民政府", "", "220104"),
        ("朝阳区", "北京市朝阳区司法局", "", "110105"),
        ("鼓楼区", "江苏省徐州市鼓楼区", "", "320302"),
        ("市中区", "山东省济南市市中区司法局", "", "370103"),
        ("婺城区", "婺城区司法局", "", "330702"),
        ("昌江区", "景德镇市昌江区", "", "360202"),
        ("昌江黎族自治县", "昌江黎族自治县司法局", "", "469026"),
        ("江北区", "江北区司法局", "11500105MB1234567X/2021-00001", "500105"),
        ("密云县", "2016年密云县司法局", "", "110228"),
        ("义乌市", "义乌市人民政府", "330782000000/2024-549121", "330782"),
        ("朝阳区", "北京市朝阳区", "", "110105"),
        ("朝阳区", "北京朝阳区", "", "110105"),
        # named with its city: settled even though the other city is named elsewhere
        ("西湖区", "杭州市西湖区人民政府。南昌市来人交流", "", "330106"),
        # several cities named: their province chooses among them
        ("鼓楼区", "鼓楼区司法局赴南京、福州学习，江苏省", "", "320106"),
        # a short form of an autonomous county is that county
        ("秀山县", "秀山县人民政府", "", "500241"),
        ("东莞市", "东莞市司法局", "", "441900"),
        ("嘉峪关市", "嘉峪关市司法局", "", "620200"),
    ],
)
def test_resolved(name, text, doc_index, code):
    assert places.resolve(name, text, doc_index).division.code == code


@pytest.mark.parametrize(
    "doc_number, code",
    [("长朝委〔2024〕7号", "220104"), ("朝政发〔2024〕3号", None)],
)
def test_a_doc_number_opening_with_city_and_district_initials_settles_the_name(doc_number, code):
    res = places.resolve("朝阳区", "朝阳区人民政府", doc_number=doc_number)
    assert (res.division.code if res.division else None) == code


@pytest.mark.parametrize(
    "name, text",
    [
        ("江北区", "江北区司法局全年工作"),
        ("朝阳区", "朝阳区司法局"),
        ("鼓楼区", "江苏省鼓楼区"),  # 南京 and 徐州 are both in 江苏
        ("市中区", "山东省市中区"),
        ("普陀区", "普陀区人民政府。上海、舟山两地"),  # both cities named, nothing else says which
    ],
)
def test_ambiguous_names_are_not_guessed(name, text):
    res = places.resolve(name, text)
    assert res.division is None and "ambiguous" in res.reason and len(res.candidates) >= 2


def test_unknown_name():
    assert places.resolve("火星区", "火星区").division is None


def test_city_and_province_entries():
    assert places.by_code("330700").kind == "city" and places.by_code("330000").kind == "province"


def test_a_municipalitys_districts_and_counties_have_it_as_their_city():
    for code in ("500105", "500241", "110105", "310107", "120118"):
        d = places.by_code(code)
        assert d.city == d.province and d.province in ("重庆市", "北京市", "上海市", "天津市")
    assert places.full_name(places.by_code("500105")) == "重庆市江北区"
    assert places.full_name(places.by_code("330205")) == "浙江省宁波市江北区"
    assert places.by_code("429004").city == ""  # 仙桃市 sits directly under 湖北省: no city


def test_a_city_without_counties_is_a_city():
    assert places.by_code("441900").kind == "city" and [d.kind for d in places._by_name()["东莞市"]] == ["city"]


@pytest.mark.parametrize(
    "name, short",
    [("秀山土家族苗族自治县", "秀山县"), ("巴音郭楞蒙古自治州", "巴音郭楞州"), ("海西蒙古族藏族自治州", "海西州"),
     ("鄂伦春自治旗", None), ("江北区", None)],
)
def test_autonomous_short_forms(name, short):
    assert places.autonomous_short_form(name) == short


def test_adjacent_names_are_one_named_place():
    found = places.named_places("杭州市西湖区人民政府关于西湖区2024年")
    assert [(p.names, p.name) for p in found] == [(("杭州市", "西湖区"), "西湖区"), (("西湖区",), "西湖区")]


def test_subject_name_of_a_kind_with_ties_to_the_nearest():
    text = "按照德阳市部署，德阳市考核，中江县、罗江区、旌阳区、我县"
    assert places.subject_name(text) == "德阳市"
    assert places.subject_name(text, suffix="县", kinds=("county",)) == "中江县"
    assert places.subject_name(text, suffix="区", kinds=("county",), near=text.index("旌阳区")) == "旌阳区"
    assert places.subject_name("新疆维吾尔自治区", suffix="区", kinds=("county",)) is None
