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
    cues = parse_srt(export.to_srt(TRANSCRIPT, limits=None))  # one cue per segment
    assert [c[2] for c in cues] == ["Hello there.", "General Kenobi."]
    assert cues[1][0] == 3661.002 and cues[1][1] == 3725.5


def test_vtt_header_and_cues():
    text = export.to_vtt(TRANSCRIPT, limits=None)
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


def test_a_transcript_with_no_words_exports_its_turns_and_its_note():
    """A voice was heard but no words (issue 30: a far speaker): the subtitles and the text
    are empty, not broken; the JSON has the turns and the note, the Markdown the note."""
    note = "No words were recognised in this recording, but 1 speaker could be heard for 0.4 s in all."
    empty = {"language": "en", "duration": 30.0, "text": "", "segments": [], "notes": [note],
             "turns": [{"start": 6.1, "end": 6.5, "speaker": "Speaker 1"}]}
    assert export.to_txt(empty) == "\n" and export.to_srt(empty) == "" and export.to_vtt(empty) == "WEBVTT\n\n"
    data = json.loads(export.to_json(empty))
    assert data["turns"] == empty["turns"] and data["notes"] == [note] and data["segments"] == []
    assert f"*{note}*" in export.to_md(empty, "far") and "**[" not in export.to_md(empty, "far")


def test_a_format_declared_once_is_offered_everywhere(tmp_path):
    """TSV is one entry of export.RENDERERS: the command line, the settings and the
    export dialog's choices follow (CONTRIBUTING.md: a new export format)."""
    from app.cli.main import build_parser
    from app.settings import BY_KEY

    assert "tsv" in export.FORMATS and BY_KEY["export_formats"].choices == export.FORMATS
    args = build_parser().parse_args(["transcribe", "x.wav", "--format", "tsv"])
    assert args.format == "tsv"
    text = export.write(TRANSCRIPT, "tsv", tmp_path, "meeting").read_text()
    assert text.splitlines() == ["start\tend\ttext", "0.000\t1.250\tHello there.", "3661.002\t3725.500\tGeneral Kenobi."]


def test_subtitle_cues_keep_to_the_usual_limits():
    """At most 42 characters a line, two lines, 1–7 s a cue; every word kept, in order,
    and no cue runs into the next."""
    words = ("so the plan is that we ship the new onboarding flow to ten percent of users next "
             "tuesday and then we watch the activation numbers for a week before we go wider").split()
    long = {"start": 10.0, "end": 30.0, "text": " ".join(words)}
    short = {"start": 30.5, "end": 30.8, "text": "Okay."}
    cues = export.cues([long, short])
    assert " ".join(c["text"].replace("\n", " ") for c in cues) == " ".join(words) + " Okay."
    for cue, following in zip(cues, cues[1:]):
        lines = cue["text"].split("\n")
        assert len(lines) <= 2 and all(len(line) <= 42 for line in lines), cue
        assert 1.0 <= cue["end"] - cue["start"] <= 7.0 or cue["end"] == following["start"], cue
        assert cue["end"] <= following["start"]
    assert cues[-1]["text"] == "Okay." and cues[-1]["end"] - cues[-1]["start"] == 1.0  # shown long enough
    srt = parse_srt(export.to_srt({"segments": [long, short]}, export.CueLimits(line_chars=20, lines=1)))
    assert all(len(text) <= 20 for _, _, text in srt) and len(srt) > len(cues)
    timed = dict(long, words=[{"word": " " + w, "start": 10.0 + i, "end": 10.5 + i} for i, w in enumerate(words)])
    assert export.cues([timed])[0]["start"] == 10.0 and export.cues([timed])[1]["start"] == float(
        len(export.cues([timed])[0]["text"].split()) + 10)  # word times, when the transcript has them


def test_speaker_names_count_toward_the_subtitle_line():
    """With speakers, no SRT or VTT line is longer than the 42 characters promised: the
    name takes its room on the first line, or a line of its own when it is long; every
    cue still says who speaks and every word is kept, in order."""
    text = ("Thanks for coming to the customer research review today, we have twelve interviews "
            "to go through and a decision to make about the export feature before Friday")
    long_name = "Dr. Maria-Theresa von Hohenzollern-Sigmaringen"
    transcript = {"segments": [{"start": 0.0, "end": 12.0, "text": text, "speaker": "Maria"},
                               {"start": 12.5, "end": 24.0, "text": text, "speaker": long_name}]}
    srt_text, vtt = export.to_srt(transcript), export.to_vtt(transcript)
    assert parse_srt(srt_text)
    srt = [block.split("\n", 2)[2] for block in srt_text.strip().split("\n\n")]  # each cue's lines
    for cue_text in srt + [b.split("\n", 1)[1] for b in vtt.strip().split("\n\n")[1:]]:
        lines = cue_text.strip().split("\n")
        assert len(lines) <= 2 and all(len(line) <= 42 for line in lines), cue_text
    maria = [t for t in srt if t.startswith("Maria: ")]
    assert maria and maria[0].split("\n")[0].startswith("Maria: Thanks for coming")
    # the words, in order, once the names are taken away
    def words(cue_text):
        return (cue_text[len("Maria: "):] if cue_text.startswith("Maria: ") else cue_text.split("\n", 1)[1]).split()
    assert [w for t in srt for w in words(t)] == text.split() * 2
    # the long name sits on a line of its own, shortened to fit
    long_cues = [t for t in srt if not t.startswith("Maria: ")]
    assert long_cues and all(t.split("\n")[0].startswith("Dr. Maria-Theresa") and t.split("\n")[0].endswith("…:")
                             for t in long_cues)
    assert "<v Maria>Thanks for coming" in vtt


def test_cues_are_in_time_order_whatever_order_and_overlap_the_segments_come_in():
    """Segments as a multilingual file's translation gave them on one CPU: the English
    one runs past the start of the German one, and a passage transcribed again arrives
    last. Cues come out in time order and never overlap, by construction."""
    from workers.engines.sentences import in_time_order

    segments = [
        {"start": 58.0, "end": 60.0, "text": "sold in the software."},  # arrives out of order
        {"start": 48.5, "end": 56.4, "text": "to deal in the software without restriction, including the rights",
         "words": [{"start": 48.5, "end": 52.0, "word": " to deal"}, {"start": 56.035, "end": 57.2, "word": " rights"}]},
        {"start": 55.68, "end": 58.3, "text": "to use, copy, modify, merge, publish and distribute"},
    ]
    ordered = in_time_order(segments)
    assert [s["start"] for s in ordered] == [48.5, 55.68, 58.0]
    assert all(a["end"] <= b["start"] for a, b in zip(ordered, ordered[1:]))
    assert all(s["start"] <= w["start"] <= w["end"] <= s["end"] for s in ordered for w in s.get("words", ()))
    assert segments[1]["end"] == 56.4  # the caller's segments are not changed
    for limits in (None, export.CueLimits()):
        cues = parse_srt(export.to_srt({"segments": segments}, limits=limits))
        starts = [c[0] for c in cues]
        assert starts == sorted(starts) and all(a[1] <= b[0] for a, b in zip(cues, cues[1:])), cues
