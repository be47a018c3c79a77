"""Models, sessions, migrations and queries. Importing the package registers the listeners
that keep derived rows in step (``db.reply_recipients``)."""

from db import reply_recipients as reply_recipients
