"""Which llama.cpp CPU code runs on this machine: chosen at run time, proven by running it.

Earmark's llama.cpp is built portable (``GGML_NATIVE=OFF``, ``GGML_BACKEND_DL=ON``,
``GGML_CPU_ALL_VARIANTS=ON``: see the README's install command and installer/): its CPU
code is one library per instruction set (``libggml-cpu-x64.so`` … ``-haswell`` …
``-sapphirerapids``), and each says from CPUID how well it fits. CPUID is not the whole
truth: a VM can advertise AMX that the kernel never enables, and the best-scoring
library then dies with SIGILL on the first real prompt. So the variants are tried from
the best down, each in a child process that loads it and runs a real prompt through the
bundled model; the first that survives is used, and the choice is kept (per llama.cpp
build, CPU and kernel) in the user's cache folder. A build with no variants (one built
with native flags by hand) is checked the same way, so a machine where it cannot run
gets a sentence, not a crash.

Run as a program (``python -m workers.engines.llama_cpu [VARIANT]``, or
``earmark llama-probe`` frozen) it is the probe itself.
"""

from __future__ import annotations

import ctypes
import hashlib
import importlib.util
import json
import logging
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from workers.errors import ModelError
from workers.messages import Said, say

log = logging.getLogger(__name__)

PROBE_TIMEOUT_SECONDS = 180
# A real prompt: the AMX crash needed more than a few tokens to reach the matrix code.
PROBE_PROMPT = ("Summarize the following meeting notes in one sentence. " + " ".join(
    f"Item {i}: the team reviewed the release plan, the budget and the schedule for the next quarter."
    for i in range(12)))

_loaded: str | None = None  # the variant loaded in this process


def lib_dir() -> Path | None:
    """llama_cpp's library folder, found without importing it."""
    spec = importlib.util.find_spec("llama_cpp")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "lib"


def variants(folder: Path | None) -> list[Path]:
    if folder is None or not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.name.startswith(("libggml-cpu-", "ggml-cpu-"))
                  and p.suffix in (".so", ".dylib", ".dll"))


def variant_name(path: Path) -> str:
    return path.stem.split("ggml-cpu-", 1)[1]


def _load_base(folder: Path) -> None:
    """The variants find ggml's base library by its soname only (no rpath): load it first."""
    for name in ("libggml-base.so", "libggml-base.dylib", "ggml-base.dll"):
        if (folder / name).exists():
            ctypes.CDLL(str(folder / name), mode=getattr(ctypes, "RTLD_GLOBAL", 0))
            return


def ranked(folder: Path) -> list[tuple[int, Path]]:
    """The variants this CPU reports it can run (score > 0), best first."""
    out = []
    if variants(folder):
        _load_base(folder)
    for path in variants(folder):
        try:
            score = ctypes.CDLL(str(path)).ggml_backend_score
            score.restype = ctypes.c_int
            value = int(score())
        except (OSError, AttributeError):
            continue
        if value > 0:
            out.append((value, path))
    return sorted(out, key=lambda item: -item[0])


def machine_key(folder: Path | None) -> str:
    """What the choice depends on: this build of llama.cpp, the CPU's flags, the kernel."""
    parts = [platform.machine(), platform.release()]
    for path in variants(folder) or ([folder] if folder else []):
        try:
            st = path.stat()
            parts.append(f"{path.name}:{st.st_size}:{int(st.st_mtime)}")
        except OSError:
            pass
    try:
        flags = next(line for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("flags"))
        parts.append(flags)
    except (OSError, StopIteration):
        parts.append(platform.processor())
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:24]


def choice_file() -> Path:
    from platformdirs import user_cache_dir

    folder = Path(user_cache_dir("earmark", appauthor=False))
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder / "llama-cpu.json"


def probe_command(variant: str) -> list[str]:
    if getattr(sys, "frozen", False):
        return [sys.executable, "llama-probe", variant]
    return [sys.executable, "-m", "workers.engines.llama_cpu", variant]


def probe(variant: str) -> tuple[bool, str]:
    """Run the probe in a child process; (it ran, what happened)."""
    started = time.monotonic()
    try:
        done = subprocess.run(probe_command(variant), capture_output=True, text=True,
                              timeout=PROBE_TIMEOUT_SECONDS, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return False, f"no answer within {PROBE_TIMEOUT_SECONDS} s"
    if done.returncode == 0:
        return True, f"ran in {time.monotonic() - started:.1f} s"
    if done.returncode < 0:
        from workers.delivery import exit_words

        return False, exit_words(done.returncode)
    return False, (done.stderr.strip().splitlines() or [f"exit code {done.returncode}"])[-1]


def choose() -> dict:
    """The CPU code to use here: from the cache, else by probing (under a file lock, so
    two processes never probe at once). {"variant": name or "" (a build without
    variants), "ok": bool, "tried": {name: outcome}}."""
    folder = lib_dir()
    key = machine_key(folder)
    path = choice_file()
    from workers.locks import exclusive

    with exclusive(path.with_suffix(".lock")):
        try:
            cached = json.loads(path.read_text())
            if cached.get("key") == key:
                return cached
        except (OSError, ValueError):
            pass
        tried: dict[str, str] = {}
        chosen = None
        candidates = [variant_name(p) for _, p in ranked(folder)] if variants(folder) else [""]
        for name in candidates:
            ok, outcome = probe(name)
            tried[name or "built-in"] = outcome
            log.info("llama.cpp CPU code %s: %s", name or "(built-in)", outcome)
            if ok:
                chosen = name
                break
        result = {"key": key, "variant": chosen or "", "ok": chosen is not None, "tried": tried}
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(result, indent=1))
        os.replace(tmp, path)
        return result


def unavailable_sentence(choice: dict) -> Said:
    return say("cpu-code-unavailable", tried="; ".join(f"{name}: {what}" for name, what in choice["tried"].items()))


def load(variant: str) -> None:
    """Load the chosen CPU code into this process (before the first model is loaded)."""
    global _loaded
    if _loaded is not None or not variant:
        return
    folder = lib_dir()
    import llama_cpp  # noqa: F401  (loads libggml, which keeps the backend registry)

    ggml = ctypes.CDLL(_loaded_ggml(folder), mode=getattr(ctypes, "RTLD_GLOBAL", 0))
    ggml.ggml_backend_load.restype = ctypes.c_void_p
    ggml.ggml_backend_load.argtypes = [ctypes.c_char_p]
    path = next(p for p in variants(folder) if variant_name(p) == variant)
    if not ggml.ggml_backend_load(os.fsencode(path)):
        raise ModelError(say("cpu-code-unloadable", name=path.name))
    _loaded = variant


def _loaded_ggml(folder: Path) -> str:
    """The libggml that llama_cpp's libllama really uses. A wheel holds libggml.so,
    .so.0 and .so.0.x as three copies, and opening another copy than the loaded one would
    make a second backend registry that llama.cpp never looks at."""
    try:
        for line in Path("/proc/self/maps").read_text().splitlines():
            path = line.split()[-1] if len(line.split()) >= 6 else ""
            if os.path.basename(path).startswith("libggml.so"):
                return path
    except OSError:
        pass
    return str(next((folder / n for n in ("libggml.so", "libggml.dylib", "ggml.dll") if (folder / n).exists()),
                    folder / "libggml.so"))


def prepare() -> str:
    """Make this process ready to load a model: the proven CPU code, or a ModelError with
    the sentence when none runs here. Returns the variant's name ('' for a build without
    variants)."""
    choice = choose()
    if not choice["ok"]:
        raise ModelError(unavailable_sentence(choice))
    load(choice["variant"])
    return choice["variant"]


def main(argv: list[str]) -> int:
    """The probe: load *variant*, then a real prompt through the bundled model."""
    variant = argv[0] if argv else ""
    load(variant)
    from workers.delivery import crash_if_asked

    crash_if_asked(f"llama-cpu:{variant}")
    from llama_cpp import Llama

    from workers.engines.gguf import bundled_gguf

    llm = Llama(model_path=bundled_gguf(), n_ctx=1024, n_threads=1, n_threads_batch=1, verbose=False)
    out = llm.create_completion(PROBE_PROMPT, max_tokens=8, temperature=0.0)
    return 0 if out["choices"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
