"""The site's configuration (content/site.yml) and the public address the build gives its pages.

content/site.yml says what the site says of itself: its title, its public address, who keeps
it, how to reach them, the licence and where the repository is. ``SiteConfig`` declares every
key once, with its kind; ``load_site_config`` checks the file against it and names every problem
at once, each with its line. The build loads it before anything else.

The public address (base URL) comes, in order, from ``--base-url``, the environment a static
host sets while it builds, and the file (``base_url``); see ``base_url_of``. Without one, the
outputs that need an absolute address (sitemap, feed, canonical links, the citations' address)
are left out, with one warning: a placeholder domain would make every citation point nowhere.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Mapping
from urllib.parse import urlsplit

from generator.core.problems import Problem, error, read_yaml, warning
from generator.model.report import CONTROL, MAX_FIELD

TEXT, ADDRESS, BASE, CONTACT = "text", "address", "base", "contact"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_KINDS = {"seq": "a list", "map": "a mapping", "int": "a number", "float": "a number", "bool": "true or false",
          "timestamp": "a date (quote it)"}


@dataclass(frozen=True)
class SiteConfig:
    """content/site.yml. Every key is optional but ``title``; an empty value is no value."""

    title: str = field(default="法治报告档案", metadata={"kind": TEXT, "about": "the site's name, on every page"})
    base_url: str = field(default="", metadata={"kind": BASE, "about": "the public address (https://…/), when no host sets it"})
    keeper: str = field(default="", metadata={"kind": TEXT, "about": "who keeps the archive"})
    contact: str = field(default="", metadata={"kind": CONTACT, "about": "an e-mail or web address for corrections and reports"})
    licence: str = field(default="", metadata={"kind": TEXT, "about": "the licence of the archive's metadata and data"})
    licence_url: str = field(default="", metadata={"kind": ADDRESS, "about": "the licence's text"})
    repository: str = field(default="", metadata={"kind": ADDRESS, "about": "where the content and generator are kept"})

    @property
    def contact_href(self) -> str:
        """The contact as a link: mailto: for an e-mail address."""
        return f"mailto:{self.contact}" if _EMAIL.match(self.contact) else self.contact


KEYS = {f.name: f.metadata["kind"] for f in fields(SiteConfig)}


def _address_problem(value: str, kind: str) -> str:
    """Why ``value`` is not an address of this kind ('' when it is one)."""
    if kind == CONTACT and _EMAIL.match(value):
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or re.search(r"\s", value):
        return f"{value!r} is not an http(s) address" + (" or an e-mail address" if kind == CONTACT else "")
    if kind == BASE and (parts.query or parts.fragment):
        return f"{value!r} has a query or fragment: a base URL is where the site's folder is served"
    return ""


def _checked(key: str, node) -> tuple[str, str]:
    """The value of a key (its YAML node: each given twice has its own) as text, and why it is bad
    ('' when good)."""
    kind = node.tag.rsplit(":", 1)[-1] if node.tag.startswith("tag:yaml.org,2002:") else node.tag
    if kind == "null":
        return "", ""
    if kind != "str":
        return "", f"{key}: expected text, got {_KINDS.get(kind, kind)}"
    value = node.value.strip()
    if CONTROL.search(value):
        return "", f"{key}: holds a control character"
    if len(value) > MAX_FIELD:
        return "", f"{key}: {len(value):,} characters long; at most {MAX_FIELD}"
    why = _address_problem(value, KEYS[key]) if value and KEYS[key] != TEXT else ""
    return value, f"{key}: {why}" if why else ""


def load_site_config(path: Path) -> tuple[SiteConfig, list[Problem]]:
    """content/site.yml checked against ``SiteConfig``, every problem one line with its line. A
    missing file is a warning (the defaults serve); a file that is there must be right."""
    import yaml

    if not path.exists():
        return SiteConfig(), [warning(path, "no site configuration: the site is titled "
                                            f"{SiteConfig.title!r} and its about page names no keeper, contact or licence")]
    found, problems = read_yaml(path)
    if found is None:
        return SiteConfig(), problems
    value, node = found
    if value is None:
        return SiteConfig(), [error(path, "is empty: give at least a title (title: 法治报告档案)")]
    if not isinstance(value, dict):
        return SiteConfig(), [error(path, f"expected keys and values (title: …), got {type(value).__name__}", node.start_mark.line + 1)]
    given: dict[str, str] = {}
    lines: dict[str, int] = {}
    for k, v in node.value:
        key, line = k.value if isinstance(k, yaml.ScalarNode) else str(k.value), k.start_mark.line + 1
        if key in lines:
            problems.append(error(path, f"key {key!r} given twice (first on line {lines[key]})", line))
            continue
        lines[key] = line
        if key not in KEYS:
            near = difflib.get_close_matches(key, KEYS, n=1)
            hint = f"did you mean {near[0]!r}?" if near else f"known: {', '.join(KEYS)}"
            problems.append(error(path, f"unknown key {key!r} ({hint})", line))
            continue
        text, why = _checked(key, v)
        if why:
            problems.append(error(path, why, v.start_mark.line + 1))
        elif text:
            given[key] = text
    if "title" not in given and not any(p.message.startswith("title:") for p in problems):
        problems.append(error(path, "title: the site needs a title (title: 法治报告档案)", lines.get("title")))
    return SiteConfig(**given), problems


# --- the public address ---------------------------------------------------------------------


@dataclass(frozen=True)
class BaseURL:
    """The public address the build gives absolute links ('' when none is known), and whence it came."""

    url: str
    source: str


def host_base_url(environ: Mapping[str, str]) -> tuple[str, str] | None:
    """(variable, address) a static host sets while it builds, or None.

    FAZHI_BASE_URL first: it is ours, set on purpose (a GitHub Pages workflow, a custom domain
    on any host). Netlify (NETLIFY=true): its production build gets URL, the site's main address
    (its custom domain when it has one); a deploy preview or branch deploy gets DEPLOY_PRIME_URL,
    the address it is served at (deploy-preview-42--site.netlify.app), so a preview's links and
    citations are its own. Cloudflare Pages: CF_PAGES_URL, the deployment's own address."""
    if environ.get("FAZHI_BASE_URL"):
        return "FAZHI_BASE_URL", environ["FAZHI_BASE_URL"]
    if environ.get("NETLIFY") == "true":
        if environ.get("CONTEXT") == "production" and environ.get("URL"):
            return "URL", environ["URL"]
        for name in ("DEPLOY_PRIME_URL", "URL"):
            if environ.get(name):
                return name, environ[name]
    if environ.get("CF_PAGES_URL"):
        return "CF_PAGES_URL", environ["CF_PAGES_URL"]
    return None


def base_url_of(flag: str | None, environ: Mapping[str, str], config: SiteConfig, path: Path) -> tuple[BaseURL, list[Problem]]:
    """The build's public address: ``--base-url``, else the host's (``host_base_url``), else the
    configuration's (checked when it was loaded), else none, with one warning. A bad value is an
    error naming where it came from, never passed over for the next."""
    host = host_base_url(environ)
    if flag:
        where, value = "--base-url", flag
    elif host:
        where, value = f"${host[0]}", host[1]
    elif config.base_url:
        return BaseURL(_with_slash(config.base_url), f"{path} base_url"), []
    else:
        return BaseURL("", ""), [warning(path, "no base URL (--base-url, FAZHI_BASE_URL, a host's own address or base_url "
                                               "here): the sitemap, the feed, canonical links and the citations' address "
                                               "are left out, and data files give each report's path in the site")]
    why = _address_problem(value.strip(), BASE)
    if why:
        return BaseURL("", ""), [error(where, f"{why}; the base URL is the site's public address (https://…/)")]
    return BaseURL(_with_slash(value.strip()), where), []


def _with_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def as_built(config: SiteConfig, base: BaseURL) -> SiteConfig:
    """The configuration with the address the build uses, as templates are given it."""
    return replace(config, base_url=base.url)
