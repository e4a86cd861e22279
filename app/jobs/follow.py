"""A transcribe command's files, followed to their exports: what ``earmark transcribe``
does with the jobs it added, whether it runs the stack itself (``app.cli.commands``) or a
running Earmark does it for it through the command door (``app.jobs.door``). Plain data
out (rows for a progress view, sentences for standard error), nothing printed."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from app.errors import OptionsProblem
from app.jobs.desk import (
    ALREADY_DONE,
    ALREADY_QUEUED,
    NOTES,
    TRANSCRIPT,
    TRANSLATIONS,
    Added,
    Desk,
    Notice,
)
from app.store import jobstore as js
from workers import stages

# What a transcribe command may ask for (its options, by the names the desk takes; summary
# and translate as the command line gives them: a template name, a language, or None).
ASKED = ("model", "language", "beam_size", "word_timestamps", "task", "summary", "translate", "speakers")

Row = tuple[str, str, float, str]  # (name, state, progress 0-1, note): one line of a progress view


def command_options(desk: Desk, asked: dict) -> dict:
    """A transcribe command's job options: only what was asked for on the command line
    runs (no notes, translation or speakers unless asked), the rest from the settings;
    each checked by the desk (``OptionsProblem`` names the one)."""
    translate, summary = asked.get("translate"), asked.get("summary")
    if translate is not None and not str(translate).strip():
        raise OptionsProblem("needs a language, e.g. --translate fr.", "translate_to")
    return desk.job_options(model=asked.get("model"), language=asked.get("language"),
                            beam_size=asked.get("beam_size"), word_timestamps=asked.get("word_timestamps"),
                            task=asked.get("task"), summarize=bool(summary), summary_template=summary,
                            translate_to=translate or "", speakers=asked.get("speakers") or "off")


def cautions(desk: Desk, options: dict) -> list[str]:
    """Before anything is relied on: a translation path that scored below the floor says so
    (the command line, the window's Translate and the local API say the same sentences)."""
    from workers.engines.llm import translation_warning

    found = (options.get("translate_to") and translation_warning("text", desk.settings["llm_model"]),
             options.get("task") == "translate" and translation_warning("speech", options.get("model")))
    return [warning for warning in found if warning]


def notes_on(desk: Desk, options: dict, translate: str | None) -> list[str]:
    """``cautions`` as the command line prints them."""
    return [f"note: {warning}" for warning in cautions(desk, {**options, "translate_to": translate or ""})]


def take(desk: Desk, paths: Iterable[str], options: dict, *, force: bool, source: str,
         on_download: Callable[[str, int, int], None] | None = None) -> Added:
    """The command's files and folders as jobs (a mistake on the command line is refused,
    not kept as a failed job), then its links fetched one after the other while the files
    are transcribed (*on_download*: url, bytes so far, bytes in all or 0)."""
    from app.jobs.links import is_link

    paths = list(paths)
    links = [p for p in paths if is_link(p)]
    added = desk.add([p for p in paths if not is_link(p)], options, force=force, keep_bad=False, source=source)
    for url in links:
        progress = (lambda done, total, url=url: on_download(url, done, total)) if on_download else None
        added.jobs += desk.add_link(url, options, on_progress=progress).jobs
    return added


def worth_saying(notices: Iterable[Notice]) -> list[Notice]:
    """What a command says of its adding: not that a file joined a job (its row says it)."""
    return [n for n in notices if n.kind not in (ALREADY_DONE, ALREADY_QUEUED)]


def download_row(url: str, done: int, total: int) -> Row:
    """A link's download on its own line: the bar, and MB so far (of the whole, when known)."""
    size = f"{done / 1e6:.1f}/{total / 1e6:.1f} MB" if total else f"{done / 1e6:.1f} MB"
    return (url, "download", done / total if total else 0.0, size)


class Item:
    """One file of a transcribe command: its job and what was written for it."""

    def __init__(self, intake, stem: str):
        self.intake, self.stem = intake, stem
        self.written: dict[str, list[str]] = {}  # part → paths
        self.problem: str | None = None  # an export that could not be written

    @property
    def job_id(self) -> str:
        return self.intake.job_id


@dataclass
class Wanted:
    """What the command wants written, where, and whether it waits for the index."""

    format: str
    out: str
    summary: bool = False
    translate: bool = False
    wait_index: bool = False


class Follow:
    """The command's files from queued to written. *stays*: the stack goes on after the
    command (the window's, ``serve``'s), so it may index the files after the command has
    gone; a stack the command started stops with it, so then it waits for the index (as
    it does with ``--wait-index``)."""

    def __init__(self, desk: Desk, items: list[Item], wanted: Wanted, *, stays: Callable[[], bool]):
        self.desk, self.items, self.wanted, self.stays = desk, items, wanted, stays

    def rows(self) -> tuple[list[Row], int]:
        """(one row per file, how many are still to wait for); writes what is ready."""
        rows, pending = [], 0
        for item in self.items:
            state, progress, note, done = self._progress_of(item)
            pending += not done
            rows.append((Path(item.intake.path).name, state, progress, note))
        return rows, pending

    def _progress_of(self, item: Item) -> tuple[str, float, str, bool]:
        """(state, progress, note, finished) of one file; writes its exports once they exist."""
        store = self.desk.store
        job = store.job(item.job_id)
        stage = store.stage(item.job_id, stages.TRANSCRIBE.name)
        progress = stage["progress"] or 0.0
        if job["state"] == js.PAUSED:  # paused in the window: not this command's to wait for
            return job["state"], progress, "paused (resume it in the window)", True
        if stage["state"] != js.DONE:
            return job["state"], progress, (job["error"] or "") if job["state"] in js.FINAL else "", \
                job["state"] in js.FINAL
        self._write_results(item)
        note = ", ".join(f"→ {p}" for paths in item.written.values() for p in paths)
        speakers = store.stage(item.job_id, stages.DIARIZE.name)
        if speakers and speakers["state"] not in js.FINAL:
            note = f"finding speakers {100 * (speakers['progress'] or 0):.0f}%"
        if item.intake.already_done:
            note += " (already done; --force to redo)"
        if item.problem:
            note += f" ({item.problem})"
        elif job["state"] == js.FAILED:
            note += f" (a later stage failed: {job['error']})"
        if job["state"] not in js.FINAL and self._only_the_index_left(item.job_id):
            return job["state"], progress, note + " (indexed for search by the running Earmark)", True
        return job["state"], progress, note, job["state"] in js.FINAL

    def _only_the_index_left(self, job_id: str) -> bool:
        """Whether the stack may index the job after the command has gone: everything asked
        for is written and the stack runs on."""
        if self.wanted.wait_index or not self.stays():
            return False
        return all(s["state"] in js.FINAL for s in self.desk.store.stages(job_id) if s["name"] != stages.INDEX.name)

    def _write_results(self, item: Item) -> None:
        """The transcript (once its speakers are found, or that failed), then the notes and
        the translation once their stages are done, each asked for and written once; an
        export that cannot be written is that file's problem alone."""
        wanted = [TRANSCRIPT] + ([NOTES] if self.wanted.summary else []) + \
            ([TRANSLATIONS] if self.wanted.translate else [])
        for part in wanted:
            if part in item.written or item.problem or part not in self.desk.ready_parts(item.job_id):
                continue
            try:
                item.written[part] = self.desk.export(item.job_id, [self.wanted.format], self.wanted.out,
                                                      stem=item.stem, parts=[part])
            except OSError as exc:
                what = {TRANSCRIPT: "transcript", NOTES: "summary", TRANSLATIONS: "translation"}[part]
                item.problem = f"could not write the {what} to {self.wanted.out}: {exc.strerror or exc}"

    def report(self) -> tuple[list[str], int]:
        """(the sentences for standard error, the exit code: 1 when a file failed)."""
        store, lines, failed = self.desk.store, [], 0
        for item in self.items:
            job = store.job(item.job_id)
            path = item.intake.path
            if store.stage(item.job_id, stages.TRANSCRIBE.name)["state"] != js.DONE:  # no transcript: a failure
                failed += 1
                why = job["error"] or job["state"]
                lines.append(why if path in why else f"{path}: {why}")
            elif item.problem:
                failed += 1
                lines.append(f"{path}: transcribed, but {item.problem}")
            elif job["state"] == js.FAILED:  # a summary or translation asked for did not come
                failed += 1
                lines.append(f"{path}: transcribed, but {job['error']}")
            for note in (store.transcript(item.job_id) or {}).get("notes") or ():
                lines.append(f"{path}: note: {note}")
        return lines, 1 if failed else 0
