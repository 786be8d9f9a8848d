"""Where a database is: a folder (the embedded desk) or a PostgreSQL server's URL (a team desk).

A location given to ``--db`` or ``CLAIMTRACK_DB`` that starts with ``postgresql://`` or
``postgres://`` names a database on a server; anything else is a folder. A server URL may hold a
password: ``redact`` hides it, and every message, log line and error that names a server goes
through it.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

#: URL schemes that name a PostgreSQL database.
SERVER_SCHEMES = ("postgresql", "postgres")
#: What a password is shown as.
HIDDEN = "***"


def is_server(location: object) -> bool:
    """Whether ``location`` names a database on a PostgreSQL server rather than a folder."""
    if not isinstance(location, str) or "://" not in location:
        return False
    return location.split("://", 1)[0].lower() in SERVER_SCHEMES


def redact(url: str) -> str:
    """``url`` with its password (in the address or a ``password=`` parameter) hidden."""
    parts = urlsplit(url)
    password = parts.password
    netloc = parts.netloc
    if password is not None:
        user, _, host = netloc.rpartition("@")
        name = user.split(":", 1)[0]
        netloc = f"{name}:{HIDDEN}@{host}"
    query = "&".join(
        f"{key}={HIDDEN}" if key.lower() == "password" else pair
        for pair in parts.query.split("&")
        if pair
        for key in [pair.split("=", 1)[0]]
    )
    shown = f"{parts.scheme}://{netloc}{parts.path}"  # urlunsplit would drop an empty host
    return shown + (f"?{query}" if query else "") + (f"#{parts.fragment}" if parts.fragment else "")


def scrub(message: str, url: str) -> str:
    """A message (a driver's error, say) with ``url`` redacted and its password hidden."""
    parts = urlsplit(url)
    secrets = [parts.password] if parts.password else []
    for pair in parts.query.split("&"):
        key, _, value = pair.partition("=")
        if key.lower() == "password" and value:
            secrets.append(value)
    message = message.replace(url, redact(url))
    for secret in secrets + [unquote(secret) for secret in secrets]:
        message = message.replace(secret, HIDDEN)
    return message
