"""The summary engine's CPU code is chosen here, at run time, by running it: the
install must be the portable build (one library per instruction set), and a variant
that dies on this machine (as the AMX one did on a VM that advertises AMX but does not
enable it) is passed over for the next. The crash is made with the documented test
hook EARMARK_TEST_CRASH=llama-cpu:VARIANT:SIGNAL (the probe of that variant dies so);
no CPU without AMX can be made to advertise it here."""

import os
import platform
import subprocess
import sys

import pytest

from workers.engines import llama_cpu


def fresh_choice(tmp_path, monkeypatch, **env):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return llama_cpu.choose()


@pytest.mark.skipif(platform.machine() not in ("x86_64", "AMD64"), reason="x86-64 variants")
def test_the_install_carries_portable_cpu_code_down_to_plain_x86_64():
    names = {llama_cpu.variant_name(p) for p in llama_cpu.variants(llama_cpu.lib_dir())}
    assert {"x64", "sse42", "haswell", "skylakex", "sapphirerapids"} <= names, names
    ranked = [llama_cpu.variant_name(p) for _, p in llama_cpu.ranked(llama_cpu.lib_dir())]
    assert ranked and ranked[-1] == "x64"  # the baseline runs on every x86-64 CPU


def test_the_best_variant_that_runs_is_chosen_and_kept(tmp_path, monkeypatch):
    best = llama_cpu.variant_name(llama_cpu.ranked(llama_cpu.lib_dir())[0][1])
    choice = fresh_choice(tmp_path, monkeypatch)
    assert choice["ok"] and choice["variant"] == best and list(choice["tried"]) == [best]
    assert llama_cpu.choose() == choice  # kept: no second probe


def test_a_variant_that_dies_here_is_passed_over(tmp_path, monkeypatch, corpus):
    ranked = [llama_cpu.variant_name(p) for _, p in llama_cpu.ranked(llama_cpu.lib_dir())]
    choice = fresh_choice(tmp_path, monkeypatch, EARMARK_TEST_CRASH=f"llama-cpu:{ranked[0]}:SIGILL")
    assert choice["ok"] and choice["variant"] == ranked[1]
    assert choice["tried"][ranked[0]] == "illegal instruction"

    # and a real summary, through the CLI and the real workers, runs on what was chosen
    data, out = tmp_path / "data", tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "app", "--data-dir", str(data), "transcribe",
                           str(corpus / "meeting2_incident_review.mp3"), "--summary", "--out", str(out)],
                          capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    assert (out / "meeting2_incident_review.summary.md").read_text().count("## ") >= 2
    assert llama_cpu.choose()["variant"] == ranked[1]


def test_the_speech_engine_runs_with_the_plainest_cpu_code(corpus):
    """CTranslate2 picks its instruction set at run time; forced to its generic code (what
    a CPU without AVX gets) tiny.en still transcribes jfk.flac right."""
    from tests.helpers import reference, wer

    script = ("from faster_whisper import WhisperModel\n"
              "from workers.engines.speech_models import bundled_model_path\n"
              "m = WhisperModel(str(bundled_model_path()), device='cpu', compute_type='int8', cpu_threads=2)\n"
              f"print(' '.join(s.text for s in m.transcribe({str(corpus / 'jfk.flac')!r})[0]))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "CT2_FORCE_CPU_ISA": "GENERIC", "CT2_VERBOSE": "1"})
    assert done.returncode == 0, done.stderr
    assert "Selected ISA: GENERIC" in done.stderr
    assert wer(reference("jfk"), done.stdout) <= 0.05
