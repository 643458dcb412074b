"""Place lookup: a shared name is settled only by what the text says."""

from __future__ import annotations

import pytest

from generator import places


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
    ],
)
def test_resolved(name, text, doc_index, code):
    assert places.resolve(name, text, doc_index).division.code == code


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
