"""``earmark listen``: live text from a microphone or what the computer plays.

Standard output holds only the transcript's final lines (``[m:ss] text``, flushed one by
one, so it can be piped); what it is doing goes to standard error. The sound is kept in
the data folder as it comes (``app.live.recording``); Ctrl-C stops, and the whole
recording is then transcribed as an ordinary job through the front desk (speakers and
notes as the settings say, indexed for search) and written to ``--out``."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from app.errors import OptionsProblem
from app.jobs.desk import LIVE, Desk
from app.live import recording as rec
from app.live.session import Live
from app.paths import DataDir


def say(text: str) -> None:
    print(f"earmark: {text}", file=sys.stderr, flush=True)


def list_devices() -> int:
    for device in rec.devices():
        what = "what the computer plays (for a call's other side)" if device.is_monitor else "input"
        print(f"{device.name}\t{device.description} [{what}]")
    return 0


def listen(data: DataDir, args) -> int:
    if args.list_devices:
        return list_devices()
    from workers.engines.speech import TranscribeOptions
    from workers.errors import ModelError
    from workers.timefmt import clock

    desk = Desk(data, auto_export=False)  # this command writes its own export to --out
    try:
        try:
            options = desk.job_options(model=args.model, language=args.language)
        except OptionsProblem as exc:
            say(f"--{exc.key}: {exc}")
            return 2
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        device = args.device or rec.default_device()
        recording = rec.Recording.start(data, device, options)
        try:
            live = Live(recording, device, on_status=say)
            try:
                live.run(stop, TranscribeOptions.from_dict({**options, "speakers": "off"}),
                         lambda line: print(f"[{clock(line.start)}] {line.text}", flush=True))
            except ModelError as exc:
                say(f"{exc} The recording goes on without live text.")
                live.wait(stop)
            signal.signal(signal.SIGINT, signal.default_int_handler)  # a second Ctrl-C leaves the job queued
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            if live.capture.error:
                say(live.capture.error)
            wav = recording.finish()
            if wav.stat().st_size <= 44:
                say("Nothing was recorded.")
                wav.unlink()
                recording.done()
                return 1
            say(f"Stopped after {clock(live.seconds)}; transcribing the whole recording ({wav})…")
            return _transcribe_recording(desk, options, recording, wav, args)
        finally:
            recording.close()
    finally:
        desk.shut()


def _transcribe_recording(desk: Desk, options: dict, recording: rec.Recording, wav: Path, args) -> int:
    """The recording as an ordinary job (``earmark transcribe``'s loop), then its folder goes;
    if no job could be added it stays, and the next start of Earmark adds it."""
    from app.cli.commands import _transcribe

    summary = options.get("summary_template") if options.get("summarize") else None
    job_args = argparse.Namespace(files=[str(wav)], force=False, summary=summary, translate=None,
                                  format=args.format, out=args.out, source=LIVE)
    try:
        code = _transcribe(desk, options, ("nlp",) if summary else (), job_args)
    finally:
        if str(wav) in desk.store.paths_under(str(wav.parent)):
            recording.done()
    return 0 if code == 130 else code  # interrupted while transcribing: the job stays queued
