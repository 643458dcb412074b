"""The site's configuration (content/site.yml) and where the public address comes from."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.site.site_config import SiteConfig, base_url_of, load_site_config

ROOT = Path(__file__).resolve().parents[2]
NETLIFY = {"NETLIFY": "true", "URL": "https://fazhi-demo.netlify.app", "DEPLOY_URL": "https://6752a1--fazhi-demo.netlify.app",
           "DEPLOY_PRIME_URL": "https://deploy-preview-42--fazhi-demo.netlify.app"}


def write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "site.yml"
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def messages(problems) -> list[str]:
    return [str(p) for p in problems]


def test_the_repositorys_own_configuration_loads_without_problems():
    config, problems = load_site_config(ROOT / "content" / "site.yml")
    assert problems == []
    assert config.title == "法治报告档案" and config.keeper and config.licence
    assert config.base_url == ""  # a host sets it; a placeholder domain would make every citation point nowhere


def test_every_key_is_read(tmp_path: Path):
    config, problems = load_site_config(write(tmp_path, (
        "title: 某市法治报告档案\nbase_url: https://fazhi.example.net/archive\nkeeper: 某大学法学院\n"
        "contact: fazhi@example.net\nlicence: CC BY 4.0\nlicence_url: https://creativecommons.org/licenses/by/4.0/\n"
        "repository: https://git.example.net/fazhi\n")))
    assert problems == []
    assert config == SiteConfig("某市法治报告档案", "https://fazhi.example.net/archive", "某大学法学院", "fazhi@example.net",
                                "CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/", "https://git.example.net/fazhi")
    assert config.contact_href == "mailto:fazhi@example.net"


def test_every_problem_is_named_at_once_with_its_line(tmp_path: Path):
    path = write(tmp_path, (
        "titel: 档案\n"                      # 1: a typo of title
        "keeper: [张三, 李四]\n"              # 2: not text
        "contact: 打电话\n"                   # 3: neither e-mail nor web address
        "repository: git@host:fazhi.git\n"    # 4: not http(s)
        "base_url: https://x.example.net/?a=1\n"  # 5: a query
        "keeper: 王五\n"                      # 6: given twice
        "licence: \"a\\u0007b\"\n"            # 7: a control character
    ))
    config, problems = load_site_config(path)
    assert messages(problems) == [
        f"{path}:1: error: unknown key 'titel' (did you mean 'title'?)",
        f"{path}:2: error: keeper: expected text, got a list",
        f"{path}:3: error: contact: '打电话' is not an http(s) address or an e-mail address",
        f"{path}:4: error: repository: 'git@host:fazhi.git' is not an http(s) address",
        f"{path}:5: error: base_url: 'https://x.example.net/?a=1' has a query or fragment: a base URL is where the site's folder is served",
        f"{path}:6: error: key 'keeper' given twice (first on line 2)",
        f"{path}:7: error: licence: holds a control character",
        f"{path}: error: title: the site needs a title (title: 法治报告档案)",
    ]


@pytest.mark.parametrize("data, expected", [
    (b"", "{path}: error: is empty: give at least a title (title: 法治报告档案)"),
    (b"# only a comment\n", "{path}: error: is empty: give at least a title (title: 法治报告档案)"),
    (b"- title: x\n", "{path}:1: error: expected keys and values (title: …), got list"),
    (b"title: [unclosed\n", "{path}:2: error: not valid YAML: expected ',' or ']', but got '<stream end>'"),
    ("title: 档案\n".encode("gbk"), "{path}:1: error: not UTF-8 (byte 7)"),
    (b"title: ''\n", "{path}:1: error: title: the site needs a title (title: 法治报告档案)"),
    (b"title: 2024\n", "{path}:1: error: title: expected text, got a number"),
    ("title: " + "档" * 301 + "\n", "{path}:1: error: title: 301 characters long; at most 300"),
])
def test_a_file_that_cannot_be_used_is_one_line(tmp_path: Path, data, expected: str):
    path = write(tmp_path, data)
    config, problems = load_site_config(path)
    assert messages(problems) == [expected.format(path=path)]
    assert config == SiteConfig()


def test_a_missing_file_is_a_warning_and_the_defaults_serve(tmp_path: Path):
    config, problems = load_site_config(tmp_path / "site.yml")
    assert messages(problems) == [f"{tmp_path / 'site.yml'}: warning: no site configuration: the site is titled '法治报告档案' "
                                  "and its about page names no keeper, contact or licence"]
    assert config == SiteConfig()


# --- the base URL -------------------------------------------------------------------------------

CONFIGURED = SiteConfig(base_url="https://fazhi.example.net/from-file/")


@pytest.mark.parametrize("flag, environ, url, source", [
    ("https://cli.example.net", {**NETLIFY, "CONTEXT": "production"}, "https://cli.example.net/", "--base-url"),
    (None, {**NETLIFY, "CONTEXT": "production", "FAZHI_BASE_URL": "https://fazhi.gov.example.net/"},
     "https://fazhi.gov.example.net/", "$FAZHI_BASE_URL"),
    (None, {**NETLIFY, "CONTEXT": "production"}, "https://fazhi-demo.netlify.app/", "$URL"),
    (None, {**NETLIFY, "CONTEXT": "deploy-preview"}, "https://deploy-preview-42--fazhi-demo.netlify.app/", "$DEPLOY_PRIME_URL"),
    (None, {**NETLIFY, "CONTEXT": "branch-deploy", "DEPLOY_PRIME_URL": "https://staging--fazhi-demo.netlify.app"},
     "https://staging--fazhi-demo.netlify.app/", "$DEPLOY_PRIME_URL"),
    (None, {"CF_PAGES": "1", "CF_PAGES_URL": "https://4a1b2c.fazhi.pages.dev"}, "https://4a1b2c.fazhi.pages.dev/", "$CF_PAGES_URL"),
    # URL alone is too common a name to trust without Netlify's own NETLIFY=true.
    (None, {"URL": "https://somewhere.example.net"}, "https://fazhi.example.net/from-file/", "site.yml base_url"),
    (None, {}, "https://fazhi.example.net/from-file/", "site.yml base_url"),
])
def test_the_base_url_comes_from_the_flag_then_the_host_then_the_file(flag, environ, url: str, source: str):
    base, problems = base_url_of(flag, environ, CONFIGURED, Path("site.yml"))
    assert problems == [] and (base.url, base.source) == (url, source)


def test_without_any_base_url_there_is_one_warning_line():
    base, problems = base_url_of(None, {"NETLIFY": "true"}, SiteConfig(), Path("content/site.yml"))
    assert base.url == ""
    assert messages(problems) == [
        "content/site.yml: warning: no base URL (--base-url, FAZHI_BASE_URL, a host's own address or base_url here): "
        "the sitemap, the feed, canonical links and the citations' address are left out, and data files give each "
        "report's path in the site"]


@pytest.mark.parametrize("flag, environ, expected", [
    ("fazhi.example.net", {}, "--base-url: error: 'fazhi.example.net' is not an http(s) address"),
    (None, {"FAZHI_BASE_URL": "https://x.example.net/#top"},
     "$FAZHI_BASE_URL: error: 'https://x.example.net/#top' has a query or fragment: a base URL is where the site's folder is served"),
    (None, {"CF_PAGES_URL": "ftp://x.example.net"}, "$CF_PAGES_URL: error: 'ftp://x.example.net' is not an http(s) address"),
])
def test_a_bad_base_url_stops_the_build_naming_where_it_came_from(flag, environ, expected: str):
    base, problems = base_url_of(flag, environ, CONFIGURED, Path("site.yml"))
    assert messages(problems) == [expected + "; the base URL is the site's public address (https://…/)"]
    assert base.url == ""  # never the next in line: a wrong address given on purpose must be seen


def test_check_names_the_configurations_problems_too(tmp_path: Path, capsys):
    import shutil

    from generator import cli

    shutil.copytree(ROOT / "content", tmp_path / "content")
    (tmp_path / "content" / "site.yml").write_text("title: 档案\nrepository: github.com/x/fazhi\n", encoding="utf-8")
    assert cli.main(["check", "--content", str(tmp_path / "content")]) == 1
    assert (f"{tmp_path / 'content' / 'site.yml'}:2: error: repository: 'github.com/x/fazhi' is not an http(s) address"
            in capsys.readouterr().err.splitlines())
