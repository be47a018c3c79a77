"""Mailbox sources: a local Maildir (the embedded default) and IMAP."""
