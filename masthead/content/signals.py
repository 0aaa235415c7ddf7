"""Cache invalidation hooks live here once the page cache exists."""
