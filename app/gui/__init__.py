"""The PySide6 window. Nothing outside app/gui imports Qt."""
