"""Helpers on other machines, made real on this one: the app in this network namespace,
helpers in another (their own network stack behind a veth pair, their own addresses),
each in its own mount namespace where the app's folders, the recordings and the corpus
do not exist, each with its own data folder and one core (``taskset``). They reach the
app only through its TLS gate, with the line the app prints; the audio they transcribe
comes through the broker. Needs root (network namespaces), as CI has here."""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest

from app.jobs.stack import Stack
from app.paths import DataDir
from app.settings import Settings
from app.store import jobstore as js
from tests.helpers import REPO, free_port, wait_until, wer
from tests.long_audio import long_file, long_reference
from tests.test_long_files import chunk_starts

pytestmark = pytest.mark.stack


def _run(*argv, **kwargs):
    return subprocess.run(argv, check=True, capture_output=True, text=True, **kwargs)


@pytest.fixture(scope="module")
def network():
    """Another host: a network namespace joined to this one by a veth pair."""
    if os.geteuid() != 0 or not shutil.which("ip") or not shutil.which("unshare"):
        pytest.skip("network namespaces need root and iproute2 (CI runs as root)")
    tag = uuid.uuid4().hex[:6]
    ns, here, there = f"emh-{tag}", f"emh{tag}a", f"emh{tag}b"
    subnet = 100 + int(tag[:2], 16) % 100
    app_ip, helper_ip = f"10.{subnet}.77.1", f"10.{subnet}.77.2"
    _run("ip", "netns", "add", ns)
    try:
        _run("ip", "link", "add", here, "type", "veth", "peer", "name", there)
        _run("ip", "link", "set", there, "netns", ns)
        _run("ip", "addr", "add", f"{app_ip}/24", "dev", here)
        _run("ip", "link", "set", here, "up")
        _run("ip", "netns", "exec", ns, "ip", "addr", "add", f"{helper_ip}/24", "dev", there)
        _run("ip", "netns", "exec", ns, "ip", "link", "set", there, "up")
        _run("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up")
        yield {"ns": ns, "app_ip": app_ip, "helper_ip": helper_ip}
    finally:
        subprocess.run(["ip", "link", "del", here], capture_output=True)
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)


def on_other_host(network, hidden, argv, core: int | None = None, **kwargs) -> subprocess.Popen:
    """*argv* in the helper's namespaces: its own network, and *hidden* folders mounted
    over with empty ones (the person's disk is not there). No single quotes in *argv*."""
    mounts = "".join(f"mount -t tmpfs tmpfs '{folder}' && " for folder in hidden)
    pin = ["taskset", "-c", str(core)] if core is not None else []
    command = " ".join(f"'{a}'" for a in [*pin, *argv])
    return subprocess.Popen(["ip", "netns", "exec", network["ns"], "unshare", "--mount", "--propagation", "private",
                             "sh", "-c", f"{mounts}exec {command}"],
                            cwd=REPO, start_new_session=True, **kwargs)


def helper_argv(line: str, data: Path, name: str) -> list[str]:
    return [sys.executable, "-m", "app", "worker", "--join", line, "--data-dir", str(data), "--hostname", name]


def open_sharing_stack(data_dir: Path, network, **values) -> tuple[Stack, str]:
    port = free_port(network["app_ip"])
    (data_dir / "settings.json").write_text(json.dumps(
        {"version": 2, "helpers_listen": f"{network['app_ip']}:{port}", **values}))
    data = DataDir.resolve(data_dir)
    stack = Stack(data, Settings(data.settings)).open(wait_workers=True)
    from app.remote.access import join_lines

    [line] = join_lines(data, Settings(data.settings))
    assert f"@{network['app_ip']}:{port}/?fp=" in line
    return stack, line.removeprefix("earmark worker --join ")


def port_of(line: str) -> int:
    return int(line.rsplit(":", 1)[1].split("/")[0])


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


def test_two_helpers_transcribe_a_long_file_with_no_shared_folder_and_a_killed_one_costs_one_chunk(
        data_dir, network, corpus, tmp_path_factory):
    from workers import transfer
    from workers.engines.speech import SpeechEngine, TranscribeOptions
    from workers.media import decode, probe

    recordings = Path(tempfile.mkdtemp(prefix="em-rec-"))
    wav = long_file(recordings / "meetings.wav", corpus)
    options = TranscribeOptions()  # the same file in one direct call of the same model
    direct = SpeechEngine.get(options).transcribe_samples(decode(str(wav), probe(str(wav))), options, batched=False)
    direct_wer = wer(long_reference(), " ".join(s["text"] for s in direct["segments"]))

    # this machine only coordinates: every transcription runs on the helpers
    stack, line = open_sharing_stack(data_dir, network, local_queues="", chunk_minutes=1.0, summarize=False)
    hidden = [str(data_dir), str(recordings), str(corpus), str(tmp_path_factory.getbasetemp())]
    homes = [Path(tempfile.mkdtemp(prefix="emh-")) for _ in range(2)]
    names = ["helper1@other-host", "helper2@other-host"]
    helpers = [on_other_host(network, hidden, helper_argv(line, home, name), core=i,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
               for i, (home, name) in enumerate(zip(homes, names))]
    try:
        wait_until(lambda: {h for r in stack.celery.control.ping(destination=names, timeout=0.5) for h in r}
                   == set(names), 120, interval=0.5, message="both helpers online")
        intake = stack.service.intake(str(wav), Settings(stack.data.settings).speech_options())
        store, job_id = stack.store, intake.job_id

        def both_finished_one_and_helper2_runs_another():
            chunks = store.chunks(job_id)
            done_by = {c["worker"] for c in chunks if c["state"] == js.DONE}
            running = [c for c in chunks if c["state"] == js.RUNNING and c["worker"] == names[1]]
            return set(names) <= done_by and running and running[0]
        victim = wait_until(both_finished_one_and_helper2_runs_another, 600, interval=0.2,
                            message="each helper done with a chunk, helper 2 on the next")
        stop(helpers[1])  # the whole helper, SIGKILL: no goodbye, its chunk unacknowledged

        wait_until(lambda: store.job(job_id)["state"] in js.FINAL, 600, message="the job to finish")
        assert store.job(job_id)["state"] == js.DONE, store.job(job_id)["error"]
        chunks = store.chunks(job_id)
        assert len(chunks) >= 5
        starts = chunk_starts(store, job_id)
        assert starts[victim["idx"]] == 2, starts  # the killed helper's chunk, once more, elsewhere
        assert all(n == 1 for i, n in starts.items() if i != victim["idx"]), starts  # nothing else twice
        assert next(c for c in chunks if c["idx"] == victim["idx"])["worker"] == names[0]
        assert {c["worker"] for c in chunks} == set(names)
        # the audio came through the broker, and is gone from it
        results = [json.loads(c["result"]) for c in chunks]
        assert all(r["audio_travel"] and r["audio_travel"]["bytes"] > 0 for r in results)
        with stack.celery.connection_for_write() as conn:
            client = conn.default_channel.client
            assert not client.keys(transfer.PREFIX + "*") and not client.hlen(transfer.SIZES)
        transcript = store.transcript(job_id)
        assert wer(long_reference(), transcript["text"]) <= direct_wer + 0.02, (direct_wer, transcript["text"])
        # the helpers never had the person's files: nothing of them in their own folders
        assert not any(p.suffix in (".wav", ".npy") for home in homes for p in home.rglob("*"))
    finally:
        for helper in helpers:
            stop(helper)
        stack.close()
        for folder in (recordings, *homes):
            shutil.rmtree(folder, ignore_errors=True)


def test_a_wrong_secret_or_certificate_is_refused_on_both_sides_and_turning_helpers_off_closes_the_port(
        data_dir, network):
    from app.runtime.gate import read_status

    stack, line = open_sharing_stack(data_dir, network)
    home = Path(tempfile.mkdtemp(prefix="emh-"))
    try:
        secret = line.split(":", 2)[2].split("@")[0]

        def helper(join_line):
            proc = on_other_host(network, [str(data_dir)], helper_argv(join_line, home, "h@x"),
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            out, _ = proc.communicate(timeout=60)
            return proc.returncode, " ".join(out.split())

        code, said = helper(line.replace(secret, "not-" + secret))
        assert code == 2 and "refused this helper's secret" in said, said
        refusals = wait_until(lambda: read_status(stack.data).get("refused"), 10, message="the gate's refusal")
        assert refusals[-1]["peer"] == network["helper_ip"] and "wrong secret" in refusals[-1]["why"]

        fp = line.rsplit("fp=", 1)[1]
        code, said = helper(line.replace(fp, fp[::-1]))
        assert code == 2 and "is not the Earmark that made this join line" in said and "Nothing was sent" in said

        # a client that trusts the usual authorities instead of the pin breaks off the
        # handshake: the app says that helper did not trust its certificate
        untrusting = on_other_host(network, [], [sys.executable, "-c", (
            "import socket,ssl,sys\n"
            f"raw = socket.create_connection((\"{network['app_ip']}\", {port_of(line)}), timeout=5)\n"
            "try: ssl.create_default_context().wrap_socket(raw, server_hostname=\"earmark\")\n"
            "except ssl.SSLCertVerificationError: sys.exit(7)\n")])
        assert untrusting.wait(timeout=30) == 7
        wait_until(lambda: "does not trust" in read_status(stack.data)["refused"][-1]["why"], 10,
                   message="the gate's refusal for the certificate")
    finally:
        stack.close()
        shutil.rmtree(home, ignore_errors=True)
    # off (the app stopped, or the setting emptied): the port is closed
    probe = on_other_host(network, [], [sys.executable, "-c", (
        "import socket,sys\n"
        f"try: socket.create_connection((\"{network['app_ip']}\", {port_of(line)}), timeout=3)\n"
        "except ConnectionRefusedError: sys.exit(7)\n")])
    assert probe.wait(timeout=30) == 7


@pytest.mark.gui
def test_the_window_lets_a_helper_in_shows_it_in_the_queue_panel_stops_it_and_closes_the_port(
        qtbot, data_dir, network, corpus):
    from PySide6.QtWidgets import QPushButton

    from app.runtime.gate import read_status
    from tests.test_gui import close_window, open_window, row_of, wait_states
    from workers.stages import queue_names

    # transcription is left to helpers, so the helper is the one that runs the job and reports
    # its memory and count (with a local transcription worker too, either may take it)
    (data_dir / "settings.json").write_text(json.dumps(
        {"version": 2, "local_queues": ",".join(q for q in queue_names() if q != "transcribe")}))
    window = open_window(qtbot, data_dir)
    home = Path(tempfile.mkdtemp(prefix="emh-"))
    helper = None
    try:
        qtbot.waitUntil(lambda: window.controller.is_ready, timeout=120_000)
        assert not (data_dir / "run" / "gate.json").exists()
        port = free_port(network["app_ip"])
        window.settings_dialog()
        dialog = window.settings_box
        dialog.tabs.setCurrentIndex(next(i for i in range(dialog.tabs.count()) if dialog.tabs.tabText(i) == "Helpers"))
        assert dialog.join_line.text() == "" and not dialog.copy_join.isEnabled()
        dialog.editors["helpers_listen"].setText(f"{network['app_ip']}:{port}")
        line = dialog.join_line.text()
        assert line.startswith("earmark worker --join earmark://helper:") and f"@{network['app_ip']}:{port}/" in line
        dialog.accept()  # saved: the stack starts again with the gate
        qtbot.waitUntil(lambda: window.controller.is_ready and read_status(window.controller.data).get("listening")
                        == f"{network['app_ip']}:{port}", timeout=120_000)

        helper = on_other_host(network, [str(data_dir), str(corpus)],
                               helper_argv(line.removeprefix("earmark worker --join "), home, "helperG@elsewhere"))
        window.queue_dock.show()
        panel = window.queue_panel

        def shown():
            row = next((w for w in panel.worker_rows() if w["hostname"] == "helperG@elsewhere"), None)
            return row if row and row["online"] and row["queues"] else None
        row = qtbot.waitUntil(lambda: shown() is not None, timeout=120_000) or shown()
        assert row["role"] == "helper" and not row["supervised"] and "transcribe" in row["queues"]

        window.add_paths([str(corpus / "jfk.flac")])
        wait_states(qtbot, window, ["jfk.flac"])
        assert row_of(window, "jfk.flac")["state"] == js.DONE
        # what it ran and its memory, from its own reports (the app cannot see its processes)
        seen = []
        qtbot.waitUntil(lambda: bool((row := shown()) and row["memory_mb"] and row["processed"] >= 1
                                     and not seen.append(row)), timeout=120_000)
        assert 50 < seen[-1]["memory_mb"] < 4000

        # Stop helper: it leaves (warm), and the panel says it is offline
        table = panel.workers
        index = next(i for i in range(table.rowCount()) if table.item(i, 0).text() == "helperG@elsewhere")
        table.selectRow(index)
        next(b for b in panel.workers_tab.findChildren(QPushButton) if b.text() == "Stop helper").click()
        assert helper.wait(timeout=60) == 0
        qtbot.waitUntil(lambda: not next(w for w in panel.worker_rows() if w["hostname"] == "helperG@elsewhere")
                        ["online"], timeout=30_000)

        # helpers off: the port closes
        window.settings_dialog()
        window.settings_box.editors["helpers_listen"].setText("")
        window.settings_box.accept()
        qtbot.waitUntil(lambda: window.controller.is_ready and window.controller.stack is not None
                        and "gate" not in {s["name"] for s in window.controller.stack.supervisor.status()},
                        timeout=120_000)
        probe = on_other_host(network, [], [sys.executable, "-c", (
            "import socket,sys\n"
            f"try: socket.create_connection((\"{network['app_ip']}\", {port}), timeout=3)\n"
            "except ConnectionRefusedError: sys.exit(7)\n")])
        assert probe.wait(timeout=30) == 7
    finally:
        if helper is not None:
            stop(helper)
        close_window(qtbot, window)
        shutil.rmtree(home, ignore_errors=True)


def test_staged_audio_is_lossless_and_held_under_its_cap(data_dir):
    """Audio for helpers waits outside the broker when it would not fit under the cap,
    comes back sample for sample, and leaves the broker when unstaged."""
    import numpy as np

    from tests.test_resilience import open_stack
    from workers import transfer

    stack = open_stack(data_dir, roles=("index",))
    try:
        samples = (np.sin(np.arange(16000 * 30) / 7.0) * 0.3).astype(np.float32)  # 30 s
        with stack.celery.connection_for_write() as conn:
            client = conn.default_channel.client
            cap = 2 * len(samples) + 1000  # room for one chunk's 16-bit PCM, not two
            size = transfer.stage(client, "job", 0, samples, cap=cap)
            assert 0 < size < 2 * len(samples) and transfer.staged_bytes(client) == size
            assert transfer.stage(client, "job", 1, samples, cap=cap) is None  # waits for room
            back, travel = transfer.fetch(client, transfer.key_for("job", 0))
            assert np.abs(back - samples).max() < 1e-4 and travel["bytes"] == size
            transfer.unstage(client, "job", [0])
            assert transfer.fetch(client, transfer.key_for("job", 0)) is None
            assert transfer.stage(client, "job", 1, samples, cap=cap) == size  # room again
            transfer.unstage(client, "job", [1])
            assert transfer.staged_bytes(client) == 0 and not client.keys(transfer.PREFIX + "*")
    finally:
        stack.close()
