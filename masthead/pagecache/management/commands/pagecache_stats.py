"""``masthead manage pagecache_stats``: each web process's page table, hit rate and size."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from masthead.core.generation import generation_current
from masthead.pagecache.local import STATS_EVERY, stats_collect


class Command(BaseCommand):
    help = (
        "Show every web process's page-cache table: entries and bytes against their bounds, "
        f"hits, misses and hit rate (each process publishes its figures every {STATS_EVERY:.0f} s)."
    )

    def handle(self, *args, **options) -> None:
        rows = sorted(stats_collect(), key=lambda row: row.pid)
        self.stdout.write(f"generation: {generation_current() or '(none)'}")
        if not rows:
            self.stdout.write("No web process has published figures in the last minute.")
            return
        self.stdout.write(
            f"{'pid':>8} {'entries':>12} {'MiB':>13} {'hits':>10} {'misses':>8} "
            f"{'hit rate':>8} {'evicted':>8} {'age s':>6}"
        )
        for row in rows:
            rate = "-" if row.hit_rate is None else f"{row.hit_rate:.1%}"
            self.stdout.write(
                f"{row.pid:>8} {row.entries:>5}/{row.max_entries:<6} "
                f"{row.bytes / 2**20:>6.1f}/{row.max_bytes / 2**20:<6.0f} {row.hits:>10} "
                f"{row.misses:>8} {rate:>8} {row.evictions:>8} {time.time() - row.published_at:>6.0f}"
            )
        hits, misses = sum(r.hits for r in rows), sum(r.misses for r in rows)
        if hits + misses:
            self.stdout.write(f"all processes: {hits / (hits + misses):.1%} of lookups were hits")
