"""Pieces every package shares: errors, settings, time."""
