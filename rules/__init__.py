"""Findings and status: ``evaluate(facts, context) -> Decision``."""
