"""Mailbox sources, MIME reading, the pipeline and the worker."""
