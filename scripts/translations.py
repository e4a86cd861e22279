"""The window's translations (Qt Linguist):

    python scripts/translations.py [de ...]     (default: every resources/translations/earmark_*.ts)

1. pyside6-lupdate collects every self.tr(), QCoreApplication.translate() and
   QT_TRANSLATE_NOOP() of app/gui into resources/translations/earmark_LANG.ts, keeping
   what is translated already;
2. the strings declared where Qt is not allowed (workers/options.py and app/settings.py:
   the settings' titles and pages; app/models.py: what each model is good for; the
   built-in templates' names; workers/stages.py: the stages' labels and how each is run
   again; workers/messages.py: what a job says, its errors and notices; workers/delivery.py:
   the parts of a crash's sentence) are added under the contexts "Setting", "Model",
   "Template", "State", "Stage", "Message", "Crash";
3. pyside6-lrelease compiles each .ts into the .qm the window loads (app/gui/i18n.py).

A translator opens the .ts in Linguist (pyside6-linguist), translates, and runs this
again. A new language: copy a .ts to earmark_LANG.ts, clear its translations, translate.
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
FOLDER = REPO / "resources" / "translations"


def declared() -> dict[str, list[str]]:
    """Context → the strings declared where Qt is not allowed: the settings' titles and
    pages ("Setting"), what Settings › Models says of each model ("Model"), the built-in
    templates' names ("Template"), the stages' labels in the job list ("State"), how a
    stage is run again ("Stage"), what a job says, its errors and notices ("Message"), and
    the parts of a crash's sentence that come from the stages' declarations ("Crash")."""
    from app.models import listing
    from app.settings import SETTINGS
    from app.templates import builtin_folder, title
    from workers import stages
    from workers.delivery import crash_words
    from workers.messages import TEMPLATES
    from workers.options import GROUPS

    return {"Setting": list(dict.fromkeys([*GROUPS, *(s.title for s in SETTINGS)])),
            "Model": list(dict.fromkeys(row["hint"] for row in listing())),
            "Template": [title(p.stem) for p in sorted(builtin_folder().glob("*.md"))],
            "State": [s.label for s in stages.STAGES],
            "Stage": [text for s in stages.run_again() for text in (s.again.action, s.again.prompt)],
            "Message": list(dict.fromkeys(TEMPLATES.values())),
            "Crash": crash_words()}


def add_declared(ts: Path) -> int:
    return sum(add_context(ts, name, texts) for name, texts in declared().items())


def add_context(ts: Path, name: str, texts: list[str]) -> int:
    tree = ET.parse(ts)
    root = tree.getroot()
    context = next((c for c in root.iter("context") if c.findtext("name") == name), None)
    if context is None:
        context = ET.SubElement(root, "context")
        ET.SubElement(context, "name").text = name
    have = {m.findtext("source") for m in context.iter("message")}
    for message in context.iter("message"):  # lupdate calls what it did not find in the code vanished
        translation = message.find("translation")
        if message.findtext("source") in texts and translation.get("type") in ("vanished", "obsolete"):
            del translation.attrib["type"]
    added = 0
    for text in texts:
        if text not in have:
            message = ET.SubElement(context, "message")
            ET.SubElement(message, "source").text = text
            ET.SubElement(message, "translation", type="unfinished")
            added += 1
    tree.write(ts, encoding="utf-8", xml_declaration=True)
    return added


def main() -> None:
    languages = sys.argv[1:] or sorted(p.stem.split("_", 1)[1] for p in FOLDER.glob("earmark_*.ts"))
    sources = sorted(str(p) for p in (REPO / "app" / "gui").rglob("*.py"))
    for language in languages:
        ts = FOLDER / f"earmark_{language}.ts"
        subprocess.run(["pyside6-lupdate", *sources, "-ts", str(ts)], check=True)
        print(f"{ts.name}: {add_declared(ts)} declared strings added")
        subprocess.run(["pyside6-lrelease", str(ts), "-qm", str(ts.with_suffix(".qm"))], check=True)


if __name__ == "__main__":
    main()
