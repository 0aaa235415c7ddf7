"""Masthead: a self-hostable news publishing platform."""

__version__ = "0.1.0"
