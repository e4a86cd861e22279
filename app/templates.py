"""Summary templates: the built-in ones in resources/templates, and a person's own
as Markdown files in the data folder's templates/ (same format, picked up at once)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from workers.messages import say


def builtin_folder() -> Path:
    return Path(str(files("resources") / "templates"))


def user_folder(data_root: Path) -> Path:
    return Path(data_root) / "templates"


def title(name: str) -> str:
    """How a template is called in the window: meeting_minutes → "Meeting minutes" (the
    built-in ones are translated under the context "Template": scripts/translations.py)."""
    return name.replace("_", " ").capitalize()


def available(data_root: Path) -> dict[str, Path]:
    """{name: file}; a person's template of the same name wins over a built-in one."""
    found = {p.stem: p for p in sorted(builtin_folder().glob("*.md"))}
    folder = user_folder(data_root)
    if folder.is_dir():
        found.update({p.stem: p for p in sorted(folder.glob("*.md"))})
    return found


def text_of(data_root: Path, name: str) -> str:
    templates = available(data_root)
    if name not in templates:
        raise KeyError(say("no-template", name=name, have=", ".join(sorted(templates))))  # the job's sentence
    return templates[name].read_text(encoding="utf-8")
