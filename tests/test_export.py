import json
import re

from app import export
from tests.helpers import parse_srt

TRANSCRIPT = {
    "language": "en", "duration": 3725.5, "model": "tiny.en", "task": "transcribe",
    "text": "Hello there. General Kenobi.",
    "segments": [{"start": 0.0, "end": 1.25, "text": "Hello there."},
                 {"start": 3661.0015, "end": 3725.5, "text": "General Kenobi."}],
}


def test_timestamps_round_to_milliseconds_and_carry_hours():
    assert export.stamp(3661.0015) == "01:01:01,002"
    assert export.stamp(59.9996, ".") == "00:01:00.000"


def test_srt_is_valid_and_complete():
    cues = parse_srt(export.to_srt(TRANSCRIPT))
    assert [c[2] for c in cues] == ["Hello there.", "General Kenobi."]
    assert cues[1][0] == 3661.002 and cues[1][1] == 3725.5


def test_vtt_header_and_cues():
    text = export.to_vtt(TRANSCRIPT)
    assert text.startswith("WEBVTT\n\n")
    times = re.findall(r"^(\d\d:\d\d:\d\d\.\d\d\d) --> (\d\d:\d\d:\d\d\.\d\d\d)$", text, re.M)
    assert times == [("00:00:00.000", "00:00:01.250"), ("01:01:01.002", "01:02:05.500")]


def test_json_txt_and_markdown(tmp_path):
    data = json.loads(export.to_json(TRANSCRIPT))
    assert data["segments"][1]["text"] == "General Kenobi." and data["language"] == "en"
    assert export.to_txt(TRANSCRIPT) == "Hello there.\nGeneral Kenobi.\n"
    md = export.to_md(TRANSCRIPT, "meeting")
    assert md.startswith("# meeting\n") and "**[1:01:01]** General Kenobi." in md
    written = export.write(TRANSCRIPT, "srt", tmp_path / "out", "meeting")
    assert written.name == "meeting.srt" and parse_srt(written.read_text())
    assert not list((tmp_path / "out").glob("*.part"))


def test_a_format_declared_once_is_offered_everywhere(tmp_path):
    """TSV is one entry of export.RENDERERS: the command line, the settings and the
    export dialog's choices follow (CONTRIBUTING.md: a new export format)."""
    from app.cli import build_parser
    from app.settings import BY_KEY

    assert "tsv" in export.FORMATS and BY_KEY["export_formats"].choices == export.FORMATS
    args = build_parser().parse_args(["transcribe", "x.wav", "--format", "tsv"])
    assert args.format == "tsv"
    text = export.write(TRANSCRIPT, "tsv", tmp_path, "meeting").read_text()
    assert text.splitlines() == ["start\tend\ttext", "0.000\t1.250\tHello there.", "3661.002\t3725.500\tGeneral Kenobi."]
