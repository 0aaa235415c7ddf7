"""Template tags for reader pages."""
