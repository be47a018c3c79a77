"""Documents to fields. Entry points: ``parse_attachment`` and ``merge_documents``."""
