"""Bulk email: a newsletter-sized send end to end, beside the sink's ceiling.

Not an HTTP run: ``prepare`` runs ``python -m bench.mailsend`` (see that
module) against the benchmark's PostgreSQL database and puts its figures under
the table. Skipped on SQLite, where the engine sends over one connection.
"""

from __future__ import annotations

import json
import subprocess
import sys

from . import Context, Run

ORDER = 90


def prepare(ctx: Context) -> None:
    url = ctx.env.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        ctx.notes["bulk send"] = "skipped (needs --database-url postgres://...)"
        return
    out = ctx.tmp / "mailsend.json"
    command = [sys.executable, "-m", "bench.mailsend", "--database-url", url, "--json", str(out)]
    if ctx.quick:
        command.append("--quick")
    print("Bulk send (python -m bench.mailsend) ...", flush=True)
    subprocess.run(command, check=True, timeout=3600)
    result = json.loads(out.read_text())
    for name, figures in result["summary"].items():
        recipients = next(r["recipients"] for r in result["runs"] if r["size"] == name)
        ctx.notes[f"bulk send {recipients:,}"] = (
            f"{figures['per_s']:,.0f} msg/s ({figures['ratio']:.0%} of the sink's ceiling, "
            f"median of {figures['rounds']}), worker peak {figures['peak_mb']:.0f} MB"
        )


def runs(ctx: Context) -> list[Run]:
    return []
