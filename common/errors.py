"""The one exception tree of mpp. Each class says when it is raised."""


class MppError(Exception):
    """Root of every error mpp raises on purpose."""


class ConfigError(MppError):
    """The configuration file is missing, malformed, or has a wrong key, type or value."""


class MailboxError(MppError):
    """The mailbox could not be reached, signed in to or read; the next poll tries again."""


class OAuthError(MailboxError):
    """No OAuth 2.0 access token: the refresh token was revoked or expired, the client was
    rejected, or the token endpoint could not be reached. The message says what to do."""


class MessageRejected(MppError):
    """A message cannot be parsed as email at all; it is kept raw and shown to staff."""


class ParserError(MppError):
    """A document could not be parsed (corrupt, encrypted, unsupported, or over a limit)."""


class ParserLimitExceeded(ParserError):
    """A document broke the size, time or memory limit of the parser sandbox."""


class DeliveryError(MppError):
    """A reply could not be delivered."""


class TemporaryDeliveryError(DeliveryError):
    """The SMTP server answered 4xx or could not be reached: retry later with backoff."""


class PermanentDeliveryError(DeliveryError):
    """The SMTP server answered 5xx: the reply is marked failed for staff."""


class HeaderInjectionError(MppError):
    """A header value mpp was about to write contains CR or LF."""


class TemplateError(MppError):
    """A reply template is missing or does not render (caught at start-up)."""
