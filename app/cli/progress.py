"""The progress lines of a command (light: the thin command shows them too)."""

from __future__ import annotations

import sys


class ProgressView:
    """One line per file: a bar while it runs, then where its transcript went or why it failed."""

    def __init__(self, stream=sys.stderr):
        self.stream = stream
        self.tty = stream.isatty()
        self.drawn = 0
        self.last: dict[str, tuple] = {}

    def show(self, rows: list[tuple[str, str, float, str]]) -> None:
        if self.tty:
            if self.drawn:
                self.stream.write(f"\x1b[{self.drawn}F")
            for name, state, progress, note in rows:
                self.stream.write("\x1b[2K" + self._line(name, state, progress, note) + "\n")
            self.drawn = len(rows)
        else:  # a log or a pipe: a line when something changes by a tenth or more
            for name, state, progress, note in rows:
                key = (state, int(progress * 10), note)
                if self.last.get(name) != key:
                    self.last[name] = key
                    self.stream.write(self._line(name, state, progress, note) + "\n")
        self.stream.flush()

    @staticmethod
    def _line(name: str, state: str, progress: float, note: str) -> str:
        width = 24
        filled = int(round(progress * width))
        bar = "#" * filled + "-" * (width - filled)
        label = name if len(name) <= 32 else "…" + name[-31:]
        return f"{label:<32} [{bar}] {progress * 100:5.1f}% {state:<9} {note}".rstrip()
