"""URL rules: readable ASCII slugs, relative links that work from file://."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.model import slugs
from generator.site import urls


@pytest.mark.parametrize(
    "fields, slug",
    [
        (dict(year=2021, province="重庆市", city="", district="江北区", publisher="江北区司法局", period="annual"), "2021-chongqing-jiangbei-sifaju"),
        (dict(year=2022, province="江苏省", city="常州市", district="武进区", publisher="武进区司法局", period="Q1"), "2022-jiangsu-wujin-sifaju-q1"),
        (dict(year=2021, province="江西省", city="景德镇市", district="昌江区", publisher="昌江区人民政府", period="annual"), "2021-jiangxi-changjiang-zhengfu"),
        (dict(year=2020, province="浙江省", city="金华市", district="", publisher="金华市人民政府", period="H1"), "2020-zhejiang-jinhua-zhengfu-h1"),
        (dict(year=2019, province="北京市", city="", district="朝阳区", publisher="朝阳区城市管理委员会", period="annual"), "2019-beijing-chaoyang-chengshiguanliweiyuanhui"),
        (dict(year=None, province="", city="", district="", publisher="", period=""), "undated-unplaced-report"),
        (dict(year=2018, province="新疆维吾尔自治区", city="", district="", publisher="新疆维吾尔自治区司法厅", period="annual"), "2018-xinjiang-sifating"),
    ],
)
def test_report_slugs(fields, slug):
    assert slugs.report_slug(**fields) == slug


def test_place_pages_are_unique_by_code_and_readable_by_pinyin():
    assert urls.place_page("610000", "陕西省") != urls.place_page("140000", "山西省")
    assert urls.place_page("220104", "朝阳区") == "places/220104-chaoyang/index.html"
    assert urls.place_page("500000", "重庆市") == "places/500000-chongqing/index.html"


def test_a_topic_province_page_is_named_as_the_province_page():
    assert urls.topic_place_page("fuyi", urls.place_page("500000", "重庆市")) == "topics/fuyi/500000-chongqing/index.html"
    assert urls.topic_place_page("fuyi", None) == "topics/fuyi/unplaced/index.html"
    assert urls.indicator_place_page("mediation-disputes", urls.place_page("500000", "重庆市")) == "indicators/mediation-disputes/500000-chongqing/index.html"
    assert urls.indicator_place_page("mediation-disputes", None) == "indicators/mediation-disputes/unplaced/index.html"


@pytest.mark.parametrize(
    "source, target, anchor, expected",
    [
        ("index.html", "reports/a/index.html", None, "reports/a/index.html"),
        ("reports/a/index.html", "index.html", None, "../../index.html"),
        ("reports/a/index.html", "topics/b/index.html", "s1-2", "../../topics/b/index.html#s1-2"),
        ("reports/a/index.html", "reports/a/original.txt", None, "original.txt"),
    ],
)
def test_links_are_relative_and_name_index_html(source, target, anchor, expected):
    assert urls.href(source, target, anchor) == expected


def test_absolute_urls_drop_index_html():
    assert urls.absolute("https://x.org/archive/", "reports/a/index.html") == "https://x.org/archive/reports/a/"
    assert urls.absolute("https://x.org", "feed.xml") == "https://x.org/feed.xml"


# Site paths: folders, then a file name (a file never shares its name with a folder).
_PATH = st.builds(lambda folders, name: "/".join([*folders, name]),
                  st.lists(st.sampled_from(["a", "b", "ab", "reports", "x-1"]), max_size=3),
                  st.sampled_from(["index.html", "original.txt", "dir.js"]))


@given(_PATH, _PATH)
def test_href_agrees_with_posixpath_relpath(page: str, path: str):
    import posixpath

    assert urls.href(page, path) == posixpath.relpath(path, posixpath.dirname(page) or ".")
