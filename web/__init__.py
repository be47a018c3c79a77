"""The staff web interface: triage queue, application pages, matching, the quarter."""
