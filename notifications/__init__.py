"""Replies: templates, the outbox and delivery."""
