"""What the browser tests share: Chromium's path and flags, viewports, watching, screenshots."""

from __future__ import annotations

from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
VIEWPORTS = {"desktop": (1280, 900), "phone": (390, 844)}


def new_page(browser, name: str, problems: list[str], **options):
    """A page at one of ``VIEWPORTS``, reporting errors into ``problems``."""
    width, height = VIEWPORTS[name]
    context = browser.new_context(
        viewport={"width": width, "height": height}, is_mobile=name == "phone", **options
    )
    context.set_default_timeout(15_000)  # fail in seconds, not hang, when a page misbehaves
    page = context.new_page()
    watch(page, problems)
    return page


def watch(page, problems: list[str]) -> None:
    """Collect console errors, failed requests and 4xx/5xx answers.

    A request the browser abandons because the page moved on (``ERR_ABORTED``)
    is not a failure, and "Failed to load resource" console lines repeat what
    the response status already says.
    """

    def console(msg) -> None:
        if msg.type == "error" and not msg.text.startswith("Failed to load resource"):
            problems.append(f"console {msg.type}: {msg.text}")

    def failed(request) -> None:
        if "ERR_ABORTED" not in (request.failure or ""):
            problems.append(f"failed: {request.url} ({request.failure})")

    page.on("console", console)
    page.on("requestfailed", failed)
    page.on(
        "response",
        lambda resp: problems.append(f"{resp.status}: {resp.url}") if resp.status >= 400 else None,
    )


def shoot(page, path: Path) -> None:
    """Scroll to the bottom first so lazy pictures load, then take the full page."""
    page.evaluate(
        """async () => {
            for (let y = 0; y < document.body.scrollHeight; y += 600) {
                window.scrollTo(0, y);
                await new Promise(r => requestAnimationFrame(r));
            }
            window.scrollTo(0, 0);
        }"""
    )
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(path), full_page=True)


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
