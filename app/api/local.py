"""The local API as the window runs it: Settings › API turns it on, moves it and off.

Light to import (the key and the address rule only): the window is handed ``LocalApi`` at
its start and loads FastAPI and uvicorn the first time the API is turned on."""

from __future__ import annotations

from app.addresses import parse_api_address as parse_address
from app.api import keys


class LocalApi:
    """The API as the window runs it (Settings › API), on the window's own desk: turned on,
    moved and off at will. The window is handed this class by the command that opens it
    (``app.cli``, which may import both rooms), so ``app.gui`` never imports ``app.api``.
    uvicorn runs in its own thread: nothing here takes longer than binding a port, or
    waiting for the server's thread to end; the window calls it off its GUI thread."""

    def __init__(self, desk, **limits):
        self.desk, self.limits = desk, limits
        self.server = None  # an ApiServer while on
        self.asked: tuple[str, int] | None = None  # the address the running server was asked for

    @property
    def url(self) -> str | None:
        return self.server.url if self.server is not None else None

    def key(self) -> str:
        return keys.api_key(self.desk.data.root)

    def new_key(self) -> str:
        """A new key, in force at once: the old one is refused (401) from the next request."""
        return keys.api_key(self.desk.data.root, new=True)

    def apply(self, on: bool, address: str) -> str | None:
        """Serve at *address* when *on* (started again when the address changed), stop when
        not; the URL it listens on, or None. ValueError (the address) or OSError (the port)
        with the reason, the API then off."""
        wanted = parse_address(address) if on else None
        if self.server is not None and wanted != self.asked:
            self.server.stop()
            self.server = self.asked = None
        if wanted is not None and self.server is None:
            from app.api.server import ApiServer  # FastAPI and uvicorn: only once the API is turned on

            self.server = ApiServer(self.desk, address, **self.limits).bind().start()
            self.asked = wanted
        return self.url

    def stop(self) -> None:
        self.apply(False, "")
