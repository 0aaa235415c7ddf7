"""The two page checkers the validity test runs: the Nu HTML Checker and axe-core.

Both come from the npm registry as versioned packages (``vnu-jar`` carries the
checker's jar, run with the machine's Java; ``axe-core`` the script run inside
Chromium), installed once into a cache folder with the ordinary ``npm`` client.
Where npm or Java is missing the test skips with a notice, except under CI,
where a missing checker is a failure: a gate that silently skips is no gate.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

VNU = ("vnu-jar", "26.9.27", "build/dist/vnu.jar")
AXE = ("axe-core", "4.14.1", "axe.min.js")
# WCAG 2.2 levels A and AA (axe tags each rule with the guideline it checks).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def _unavailable(why: str):
    if os.environ.get("CI"):
        pytest.fail(f"validity checker unavailable under CI: {why}")
    pytest.skip(f"validity test skipped: {why}")


def _cache_dir() -> Path:
    base = os.environ.get("MASTHEAD_TOOLS_DIR") or Path.home() / ".cache" / "masthead-tests"
    return Path(base) / "npm"


def npm_file(package: tuple[str, str, str]) -> Path:
    """The path of one file of a pinned npm package, installing it on first use."""
    name, version, relpath = package
    root = _cache_dir()
    target = root / "node_modules" / name / relpath
    marker = root / "node_modules" / name / "package.json"
    if target.exists() and marker.exists():
        installed = json.loads(marker.read_text()).get("version")
        if installed == version:
            return target
    npm = shutil.which("npm")
    if not npm:
        _unavailable(f"npm is needed to install {name}@{version}")
    root.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--silent", "--prefix", str(root),
         f"{name}@{version}"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    if result.returncode != 0 or not target.exists():
        _unavailable(f"npm install {name}@{version} failed: {result.stderr[-500:]}")
    return target


def nu_errors(documents: dict[str, str]) -> dict[str, list[str]]:
    """Run the Nu checker once over every document; its errors by document name.

    One Java start for all pages (the JVM costs more than the checking).
    """
    java = shutil.which("java")
    if not java:
        _unavailable("Java is needed for the Nu HTML Checker")
    jar = npm_file(VNU)
    with tempfile.TemporaryDirectory(prefix="nu-") as folder:
        paths = {}
        for name, html in documents.items():
            path = Path(folder) / f"{len(paths):03d}.html"
            path.write_text(html, encoding="utf-8")
            paths[str(path)] = name
        result = subprocess.run(
            [java, "-jar", str(jar), "--errors-only", "--format", "json", *paths],
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
    report = json.loads(result.stderr or result.stdout or '{"messages": []}')
    errors: dict[str, list[str]] = {name: [] for name in documents}
    for message in report.get("messages", []):
        url = message.get("url", "")
        name = next((n for p, n in paths.items() if url.endswith(p)), url)
        errors.setdefault(name, []).append(
            f"line {message.get('lastLine')}: {message.get('message')} "
            f"[{(message.get('extract') or '').strip()[:120]}]"
        )
    return {name: found for name, found in errors.items() if found}


def axe_violations(page) -> list[str]:
    """axe-core's WCAG 2.2 A/AA violations on the page as loaded, one line each.

    The browser context must be made with ``bypass_csp=True``: the script is
    the test's, not the site's, and the site's policy rightly refuses it.
    """
    page.add_script_tag(path=str(npm_file(AXE)))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        AXE_TAGS,
    )
    lines = []
    for violation in result["violations"]:
        targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:3])
        lines.append(f"{violation['id']} ({violation['impact']}): {targets}")
    return lines
