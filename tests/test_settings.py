"""Settings: one declaration (job options in workers.options, the rest in app.settings),
a version with upgrades, and only choices kept in the file."""

import json

import pytest

from app.settings import APP_SETTINGS, SETTINGS, VERSION, Settings, problem_with
from workers import options as job_options
from workers.engines.speech import TranscribeOptions


def test_workers_take_their_defaults_from_the_declaration():
    assert TranscribeOptions().beam_size == job_options.default("beam_size") == 5
    assert TranscribeOptions().batched is job_options.default("batched")
    assert TranscribeOptions().temperature == 0.0 and TranscribeOptions.from_dict({"temperature": 0.4}).temperature == 0.4
    assert job_options.value({}, "summary_engine") == "grounded"
    assert job_options.value({"llm_context_tokens": "4096"}, "llm_context_tokens") == 4096
    assert job_options.value({"chunk_minutes": ""}, "chunk_minutes") == 0.0


def test_every_setting_has_a_group_and_one_declaration():
    keys = [s.key for s in SETTINGS]
    assert len(keys) == len(set(keys))
    assert {s.group for s in SETTINGS} == set(job_options.GROUPS) == {"Speech", "Summaries", "Export", "Watch folder",
                                                                       "Helpers", "API", "Advanced"}
    assert not {s.key for s in APP_SETTINGS} & {s.key for s in job_options.JOB_OPTIONS}


def test_a_version_1_file_is_upgraded_and_only_choices_are_kept(tmp_path):
    path = tmp_path / "settings.json"
    # version 1 wrote every value; notes were off by default then
    path.write_text(json.dumps({"summarize": False, "beam_size": 5, "batched": False}))
    settings = Settings(path)
    assert settings["summarize"] is True  # follows today's default (grounded notes)
    assert settings["batched"] is False  # a real choice stays
    settings.set("beam_size", 5)  # the default: not kept, so a better default reaches this file
    settings.save()
    saved = json.loads(path.read_text())
    assert saved == {"batched": False, "version": VERSION}
    # a version-2 file that turned notes off keeps them off
    settings.set("summarize", False)
    settings.save()
    assert Settings(path)["summarize"] is False


def test_the_speaker_settings_are_checked_before_they_are_saved():
    from app.settings import problem_with

    assert problem_with("speakers", "auto") is None and problem_with("speakers", "2-4") is None
    assert problem_with("speakers", "off") is None and problem_with("speakers", "3") is None
    assert "between 1 and 8" in problem_with("speakers", "12")
    assert "auto, a number or a range" in problem_with("speakers", "many")
    # a range written backwards: it said "between 1 and 8 (got '5-2')", which both numbers are
    assert "from the smaller number to the larger: 2-5, not '5-2'" in problem_with("speakers", "5-2")


def test_a_speech_language_is_a_code_whisper_knows():
    """--language xx (or the API's language=xx) was taken and failed in the worker, as an
    "Unexpected error (ValueError)" or as "tiny.en understands English only … for 'xx'"."""
    from faster_whisper.tokenizer import _LANGUAGE_CODES

    from app.settings import problem_with
    from workers.options import SPEECH_LANGUAGES

    assert SPEECH_LANGUAGES == set(_LANGUAGE_CODES)  # the engine's own list, kept in step
    assert problem_with("language", "") is None and problem_with("language", "de") is None
    assert problem_with("language", "yue") is None
    assert "(empty: detect): a language code such as en, de or fr, not 'xx'." in problem_with("language", "xx")
    assert "not 'German'" in problem_with("language", "German")
    assert "between 0 and 1" in problem_with("speaker_match", 1.5)


def test_the_helper_settings_are_checked_before_they_are_saved(tmp_path):
    from app.runtime.supervisor import ALL_ROLES, plan_roles, shares_work

    assert problem_with("helpers_listen", "192.168.1.5:6380") is None
    assert problem_with("helpers_listen", "") is None
    assert "not an address" in problem_with("helpers_listen", "my-laptop:6380")
    assert "out of range" in problem_with("helpers_listen", "0.0.0.0:70000")
    assert problem_with("local_queues", "") is None  # this machine only hands out work
    assert "unknown gpu" in problem_with("local_queues", "transcribe,gpu")
    settings = Settings(tmp_path / "settings.json")
    assert not shares_work(settings) and plan_roles(ALL_ROLES, settings) == ALL_ROLES
    settings.set("local_queues", "nlp,index")  # speech left to helpers: files are read here
    assert shares_work(settings) and plan_roles(ALL_ROLES, settings) == ("nlp", "index", "beat", "files")
    settings.set("helpers_listen", "0.0.0.0:6380")
    assert plan_roles(ALL_ROLES, settings)[-1] == "gate"


def test_a_check_declared_on_a_setting_is_the_one_every_reader_asks(tmp_path):
    """The dialog and the front desk ask problem_with, the file's loader the same check:
    a value that fails it in the file is not used (its default is), and says why."""
    from app.errors import OptionsProblem
    from app.jobs.desk import SETTINGS as SETTINGS_NOTICE
    from app.jobs.desk import Desk
    from app.paths import DataDir
    from app.settings import BY_KEY

    assert BY_KEY["beam_size"].check(5) is None and "between 1 and 20" in BY_KEY["beam_size"].check(21)
    assert "between 1 and 20" in problem_with("beam_size", 0)
    assert "not a whole number" in problem_with("beam_size", "five")
    assert "not one of transcribe, translate" in problem_with("task", "summarize")
    assert "redis://" in problem_with("broker_url", "http://elsewhere")
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"beam_size": 99, "speakers": "many", "task": "translate", "version": VERSION,
                                "someone_elses": 1}))
    settings = Settings(path)
    assert settings["beam_size"] == 5 and settings["speakers"] == "off" and settings["task"] == "translate"
    assert len(settings.problems) == 2 and "Beam size" in settings.problems[0]
    assert settings.values["someone_elses"] == 1  # an unknown key is kept as it is
    desk = Desk(DataDir(tmp_path).ensure(), settings)
    try:
        try:
            desk.job_options(speakers="12")
        except OptionsProblem as problem:
            assert problem.key == "speakers" and "between 1 and 8" in str(problem)
        else:
            raise AssertionError("the desk took 12 speakers")
        assert SETTINGS_NOTICE == "settings"
    finally:
        desk.shut()


@pytest.mark.gui
def test_a_translation_goes_into_a_language_of_the_list(qtbot, tmp_path):
    """Issue 31: the Translate dialog offers languages from a list, not free text. Its box
    took any text ("Klingon", "xx"), and so did `--translate` and the API: the model was then
    asked to translate "into Xx". Now a code or English name of the list, nothing else, and
    the box (Jobs › Translate…, Settings › Translate to) is a list; a name kept in the
    settings file ("German") shows as its language."""
    from app.gui.run_again import RunAgainDialog
    from workers import stages

    assert problem_with("translate_to", "") is None and problem_with("translate_to", "de") is None
    assert problem_with("translate_to", "German") is None and problem_with("translate_to", " FR ") is None
    assert "not 'Klingon'" in problem_with("translate_to", "Klingon")
    assert "not 'xx'" in problem_with("translate_to", "xx")
    settings = Settings(tmp_path / "settings.json")
    settings.set("translate_to", "German")
    dialog = RunAgainDialog(stages.stage("translate"), settings, tmp_path)
    qtbot.addWidget(dialog)
    box = dialog.editor
    assert not box.isEditable() and box.text() == "de" and dialog.options() == {"translate_to": "de"}
    box.setText("Klingon")  # what typing did: nothing now
    assert box.text() == "de"
    offered = {box.itemData(i) for i in range(box.count())}
    assert {"de", "fr", "ja"} <= offered and all(problem_with("translate_to", code) is None for code in offered)


@pytest.mark.gui
def test_a_translation_warning_sends_no_one_to_a_path_that_scored_as_low(qtbot):
    """The bundled model's warning (the command line's note, Settings, Jobs › Translate…)
    said "For English from speech, transcribe with the speech model 'base' and the task
    'translate'": a path that scored 37 too, below the same floor, and warned in turn. Both
    warnings now say what was measured and that the larger models were not."""
    from app.gui.settings_dialog import caution
    from workers.engines import llm
    from workers.engines.llm import translation_warning

    assert llm.TRANSLATION_CHRF[("speech", "base")] < llm.TRANSLATION_FLOOR  # what the pointer pointed to
    shown = caution("translate_to", {"translate_to": "de", "llm_model": "bundled"})
    for text in (translation_warning("text", "bundled"), shown):
        assert "scored 37 of 100" in text and "transcribe with the speech model 'base'" not in text
        assert "'base' turning speech into English scored no better (37)" in text and "Settings › Models" in text
    for text in (translation_warning("speech", "base"),
                 caution("task", {"task": "translate", "model": "base"})):
        assert "none has been scored yet" in text and "translates better" not in text
