"""Earmark's app side: the supervisor of child processes, the job store, the CLI
and (later) the PySide6 window. Imports ``workers`` contracts, never the reverse."""

__version__ = "0.1.0"
