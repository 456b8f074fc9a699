"""Errors a user can act on: each names what went wrong, where, and the fix."""


class PeerhelpError(Exception):
    """Base class: the CLI prints these without a traceback."""


class ManifestError(PeerhelpError):
    pass


class IndexNotFoundError(PeerhelpError):
    pass


class LoadError(PeerhelpError):
    """A single file could not be read; ingest skips it and goes on."""

    def __init__(self, path: str, reason: str, fix: str):
        self.path, self.reason, self.fix = path, reason, fix
        super().__init__(f"{path}: {reason}. Fix: {fix}")

    def by_name(self) -> str:
        """The message with the file's name only: a console upload's path is a server's temporary folder, which
        means nothing to the clerk and should not be shown."""
        return f"{self.path.replace(chr(92), '/').rsplit('/', 1)[-1]}: {self.reason}. Fix: {self.fix}"
