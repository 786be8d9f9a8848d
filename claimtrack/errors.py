"""The exceptions the core raises; the CLI turns each into one line on stderr and an exit code."""


class ClaimtrackError(Exception):
    """Base of every error claimtrack reports to the user as one line."""

    exit_code = 1


class ArticleError(ClaimtrackError):
    """An input that cannot be read as an article (missing, empty, binary, undecodable, too big)."""


class StoreError(ClaimtrackError):
    """The database cannot be read or written (corrupt, locked, newer schema, unknown id)."""


class PluginError(ClaimtrackError):
    """A plugin cannot be loaded or misbehaved."""


class UsageError(ClaimtrackError):
    """The command was called with values that make no sense together."""

    exit_code = 2
