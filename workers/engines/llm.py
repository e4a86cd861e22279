"""Summaries with a local LLM (llama-cpp-python and a GGUF file).

Small models follow one short instruction well and a long list of them badly, so a
template is a list of sections (a heading and its instruction): each section is
generated on its own and Earmark writes the headings. A transcript longer than the
context is summarized in pieces that fit, then the sections are written from the
piece summaries; nothing is cut off.
"""

from __future__ import annotations

import importlib.metadata
import logging
import os
import re
import threading
from dataclasses import dataclass, field
from typing import Callable

from workers.engines.gguf import BUNDLED, DEFAULT_GGUF_PACKAGE, bundled_gguf  # noqa: F401 (their old home)
from workers.errors import ModelError
from workers.messages import Said, say
from workers.options import TRANSLATION_LANGUAGES
from workers.timefmt import clock

log = logging.getLogger(__name__)

PIECE_INSTRUCTION = ("Summarize this part of a transcript in a few sentences. "
                     "Keep the [mm:ss] time where each topic starts.")


def resolve_gguf(spec: str) -> str:
    from workers.engines.catalog import BY_NAME, installed_path

    if not spec or spec == BUNDLED:
        return bundled_gguf()
    if spec in BY_NAME:  # a model from the model manager
        found = installed_path(spec)
        if not found:
            raise ModelError(say("summary-model-not-downloaded", name=spec))
        return found
    path = os.path.expanduser(spec)
    if not os.path.isfile(path):
        raise ModelError(say("summary-model-not-found", path=spec))
    return path


@dataclass(frozen=True)
class Template:
    title: str
    sections: tuple[tuple[str, str], ...]  # (heading, instruction)

    @classmethod
    def parse(cls, text: str) -> "Template":
        """``# Title`` then ``## Heading`` + instruction paragraphs."""
        title = next((m[1].strip() for m in re.finditer(r"^# (.+)$", text, re.M)), "Summary")
        parts = re.split(r"^## (.+)$", text, flags=re.M)
        sections = tuple((parts[i].strip(), " ".join(parts[i + 1].split()))
                         for i in range(1, len(parts) - 1, 2) if parts[i + 1].strip())
        if not sections:
            raise ModelError(say("template-no-sections"))
        return cls(title, sections)


def gpu_offload() -> bool:
    """Whether this llama.cpp build can put layers on a GPU (a CUDA/Metal/Vulkan build on
    a machine with one); the CPU path is unchanged otherwise."""
    try:
        import llama_cpp

        return bool(llama_cpp.llama_supports_gpu_offload())
    except (ImportError, AttributeError, OSError):
        return False


class LLMEngine:
    """One loaded GGUF model per process, reused by later tasks."""

    _cache: dict[tuple, "LLMEngine"] = {}
    _lock = threading.Lock()

    def __init__(self, path: str, n_ctx: int, threads: int):
        from workers.engines import llama_cpu

        self.cpu_code = llama_cpu.prepare()  # the CPU code proven to run here, or a sentence
        from llama_cpp import Llama

        self.path, self.n_ctx, self.threads = path, n_ctx, threads
        self.gpu = gpu_offload()
        try:
            self.llm = Llama(model_path=path, n_ctx=n_ctx, n_threads=threads, n_threads_batch=threads,
                             n_gpu_layers=-1 if self.gpu else 0, verbose=False)
        except (ValueError, RuntimeError, OSError) as exc:
            raise ModelError(say("summary-model-unloadable", path=path, why=str(exc))) from None
        log.info("loaded %s (context %d, %d threads, %s)", path, n_ctx, threads, "GPU" if self.gpu else "CPU")

    @classmethod
    def get(cls, model: str, n_ctx: int, threads: int) -> "LLMEngine":
        path = resolve_gguf(model)
        key = (path, n_ctx, threads)
        with cls._lock:
            if key not in cls._cache:
                cls._cache.clear()
                cls._cache[key] = cls(path, n_ctx, threads)
            return cls._cache[key]

    def tokens(self, text: str) -> int:
        return len(self.llm.tokenize(text.encode("utf-8"), add_bos=False))

    def generate(self, source: str, instruction: str, max_tokens: int,
                 on_text: Callable[[str], None] | None = None) -> str:
        messages = [{"role": "user", "content": f"Transcript:\n{source}\n\n{instruction}"}]
        out = []
        for chunk in self.llm.create_chat_completion(messages=messages, max_tokens=max_tokens, stream=True,
                                                     temperature=0.2, repeat_penalty=1.3):
            piece = chunk["choices"][0]["delta"].get("content")
            if piece:
                out.append(piece)
                if on_text:
                    on_text(piece)
        return drop_repeats("".join(out).strip())


def drop_repeats(text: str) -> str:
    """Small models loop: keep each line once."""
    seen, kept = set(), []
    for line in text.splitlines():
        key = line.strip().lower()
        if key and key in seen:
            continue
        seen.add(key)
        kept.append(line)
    return "\n".join(kept).strip()


@dataclass
class Summarizer:
    engine: LLMEngine
    template: Template
    section_tokens: int = 200
    prompt_overhead_tokens: int = 80
    on_progress: Callable[[int, int, str], None] = lambda done, total, what: None
    on_text: Callable[[str, str], None] = lambda section, text: None  # streaming
    pieces: list[str] = field(default_factory=list)
    first_pieces: list[str] = field(default_factory=list)  # the transcript as split, for checks

    @property
    def budget(self) -> int:
        """Tokens of transcript a prompt can carry and still leave room for the answer."""
        return max(64, self.engine.n_ctx - self.section_tokens - self.prompt_overhead_tokens)

    def split(self, lines: list[str]) -> list[str]:
        pieces, current, size = [], [], 0
        for line in lines:
            n = self.engine.tokens(line) + 1
            if current and size + n > self.budget:
                pieces.append("\n".join(current))
                current, size = [], 0
            if n > self.budget:  # one very long line: cut it by words
                words = line.split()
                half = max(1, len(words) // 2)
                pieces += self.split([" ".join(words[:half]), " ".join(words[half:])])
                continue
            current.append(line)
            size += n
        if current:
            pieces.append("\n".join(current))
        return pieces

    def summarize(self, segments: list[dict]) -> dict:
        lines = [f"[{clock(s['start'])}] {s['text'].strip()}" for s in segments if s["text"].strip()]
        source = "\n".join(lines)
        rounds = 0
        while self.engine.tokens(source) > self.budget:  # piece by piece, then combine
            self.pieces = self.split(source.splitlines())
            rounds += 1
            if rounds == 1:
                self.first_pieces = list(self.pieces)
            total = len(self.pieces) + len(self.template.sections)
            summaries = []
            for i, piece in enumerate(self.pieces):
                self.on_progress(i, total, f"piece {i + 1} of {len(self.pieces)}")
                # a piece's summary is held to a quarter of the piece, so each round shrinks
                summaries.append(self.engine.generate(piece, PIECE_INSTRUCTION, max(32, self.budget // 4)))
            source = "\n".join(summaries)
            if rounds >= 3:
                break
        done = len(self.pieces) if rounds else 0
        total = done + len(self.template.sections)
        sections = []
        for heading, instruction in self.template.sections:
            self.on_progress(done, total, heading)
            self.on_text(heading, f"## {heading}\n\n")
            body = self.engine.generate(source, instruction, self.section_tokens,
                                        on_text=lambda t, h=heading: self.on_text(h, t))
            sections.append({"heading": heading, "text": body})
            done += 1
        self.on_progress(total, total, "done")
        markdown = f"# {self.template.title}\n\n" + "\n\n".join(
            f"## {s['heading']}\n\n{s['text']}" for s in sections) + "\n"
        return {"template": self.template.title, "markdown": markdown, "sections": sections,
                "pieces": len(self.pieces) if rounds else 1, "model": os.path.basename(self.engine.path)}


REWRITE_INSTRUCTION = ("Rewrite each of these lines from a meeting as one short bullet point. Keep every name, "
                       "number and date exactly as written. Add nothing that is not in the lines.")
SUMMARY_ENGINES = ("grounded", "grounded+llm", "llm")  # the setting summary_engine
LEFT_OUT = "Left out: model lines naming what was not said."  # short: the notes' length counts it


@dataclass
class GroundedSummarizer:
    """Notes whose every line was said: the grounded sentences of each section
    (``workers.engines.minutes``), each linked to its time. With an *engine*, the LLM
    condenses those lines, and each line it writes is kept only if it stays close to one
    of them (it then stands in for that sentence, with its time) and every number, day,
    name and link in it is in the transcript (``workers.engines.grounding``); what fails
    is dropped and counted, and a sentence with no faithful condensation stays as said."""

    template: Template
    engine: LLMEngine | None = None
    on_progress: Callable[[int, int, str], None] = lambda done, total, what: None
    on_text: Callable[[str, str], None] = lambda section, text: None

    def summarize(self, segments: list[dict]) -> dict:
        from workers.engines.grounding import source_index
        from workers.engines.minutes import Minutes

        minutes = Minutes(segments)
        index = source_index(" ".join(s["text"] for s in segments))
        sections, dropped = [], []
        total = len(self.template.sections)
        from workers.engines.minutes import words_in

        picked = minutes.sections([heading for heading, _ in self.template.sections],
                                  reserve=words_in(LEFT_OUT) if self.engine is not None else 0)
        for n, (heading, text, lines) in enumerate(picked):
            self.on_progress(n, total, heading)
            if self.engine is not None and lines:
                text, lost = self._condense(lines, minutes, heading, index)
                dropped += lost
            self.on_text(heading, f"## {heading}\n\n{text}\n\n")
            sections.append({"heading": heading, "text": text,
                             "sources": [{"start": line.sentence.start, "text": line.sentence.text}
                                         for line in lines]})
        self.on_progress(total, total, "done")
        markdown = f"# {self.template.title}\n\n" + "\n\n".join(
            f"## {s['heading']}\n\n{s['text']}" for s in sections) + "\n"
        if dropped:
            markdown += f"\n*{LEFT_OUT}*\n"
        return {"template": self.template.title, "markdown": markdown, "sections": sections, "pieces": 1,
                "headings": [heading for heading, _ in self.template.sections],
                "dropped": dropped, "engine": "grounded+llm" if self.engine else "grounded",
                "model": os.path.basename(self.engine.path) if self.engine else None}

    def _condense(self, chosen, minutes, heading: str, index) -> tuple[str, list[dict]]:
        from workers.engines.grounding import content_words, unsupported
        from workers.engines.minutes import words_in

        source = "\n".join(f"- {line.text}" for line in chosen)
        reply = self.engine.generate(source, REWRITE_INSTRUCTION, 40 * len(chosen) + 40)
        kept: dict[int, str] = {}
        dropped: list[dict] = []
        for raw in reply.splitlines():
            text = raw.strip().lstrip("-*•0123456789.) ").strip()
            if len(text.split()) < 3 or text.rstrip(":").lower() == heading.lower():
                continue
            words = content_words(text)
            overlap = max(((len(words & content_words(line.text)) / max(1, len(words)), line) for line in chosen),
                          key=lambda x: x[0])
            missing = unsupported(text, index)
            if missing or overlap[0] < 0.5:
                dropped.append({"section": heading, "text": text,
                                "why": f"not in the recording: {', '.join(missing)}" if missing
                                else "not from the meeting's sentences"})
                continue
            if words_in(text) < words_in(overlap[1].text):  # condensed, or the said line stays
                kept.setdefault(id(overlap[1]), text)  # the first condensed line of each said sentence
        # each said sentence appears once: condensed where the model did it faithfully, else as picked
        lines = []
        for line in chosen:
            rendered = minutes.render(line)
            if id(line) in kept:
                rendered = rendered.replace(line.text, kept[id(line)], 1)
            lines.append(rendered)
        return "\n".join(lines), dropped


LANGUAGES = TRANSLATION_LANGUAGES  # the languages a translation may go into (workers.options)


# How well each translation path did on the corpus (bench/bench_translation.py: chrF, 0-100,
# against the hand-corrected text of multilingual.mp3; 2 cores). For scale: the text left
# untranslated scores 26 (English against the German) and 24 (the reverse); the same words
# heard by Whisper in their own language score 94 (only recognition errors).
TRANSLATION_CHRF = {("text", BUNDLED): 36.7,  # SmolLM2-135M, English → German, segment by segment
                    ("speech", "base"): 36.8}  # Whisper base's translate task, German speech → English
# Halfway from the untranslated text (26) to the same words heard in their language (94): a
# translation below it loses more of the meaning than it keeps.
TRANSLATION_FLOOR = 60.0


def translation_caution(path: str, model: str) -> Said | None:
    """One sentence, before a translation is relied on, when *model* scored below the floor
    on the corpus (*path*: "text" for the LLM, "speech" for Whisper's translate task);
    None when it scored above it or was not measured."""
    score = TRANSLATION_CHRF.get((path, model or BUNDLED))
    if score is None or score >= TRANSLATION_FLOOR:
        return None
    if path == "text":
        return say("weak-text-translation", score=f"{score:.0f}", floor=f"{TRANSLATION_FLOOR:.0f}",
                   base_score=f"{TRANSLATION_CHRF[('speech', 'base')]:.0f}")
    return say("weak-speech-translation", model=model, score=f"{score:.0f}", floor=f"{TRANSLATION_FLOOR:.0f}")


def translation_warning(path: str, model: str) -> str | None:
    """``translation_caution`` in English (the command line and the local API say it)."""
    said = translation_caution(path, model)
    return said and said.text


def language_name(code_or_name: str) -> tuple[str, str]:
    """('fr', 'French') from 'fr', 'FR' or 'french'; an unknown name is used as written."""
    text = (code_or_name or "").strip()
    if not text:
        raise ModelError(say("no-language"))
    if text.lower() in LANGUAGES:
        return text.lower(), LANGUAGES[text.lower()]
    for code, name in LANGUAGES.items():
        if name.lower() == text.lower():
            return code, name
    return text.lower(), text.title()


@dataclass
class Translator:
    """A transcript into another language one segment at a time, so every segment keeps
    its own start and end and the translation exports to SRT/VTT like the original.

    One plain request per segment: small models answer it in the target language,
    while a system prompt or the previous sentence as context made them echo English."""

    engine: LLMEngine
    language: str
    on_progress: Callable[[int, int], None] = lambda done, total: None

    def translate_text(self, text: str) -> str:
        _, name = language_name(self.language)
        messages = [{"role": "user", "content": f"Translate this sentence into {name}:\n\"{text}\""}]
        limit = max(24, 3 * self.engine.tokens(text) + 16)
        reply = self.engine.llm.create_chat_completion(messages=messages, max_tokens=limit,
                                                       temperature=0.0, repeat_penalty=1.1)
        out = reply["choices"][0]["message"]["content"] or ""
        lines = [line.strip() for line in out.strip().splitlines() if line.strip()]
        line = lines[0] if lines else ""
        for prefix in (f"{name}:", f"{name} translation:", "Translation:"):
            if line.lower().startswith(prefix.lower()):
                line = line[len(prefix):].strip()
        return line.strip('"').strip()

    def translate(self, segments: list[dict]) -> dict:
        code, name = language_name(self.language)
        out = []
        total = len(segments)
        for n, seg in enumerate(segments):
            self.on_progress(n, total)
            source = seg["text"].strip()
            # an empty line (a person emptied it) is an empty line, asked of no model; an empty
            # answer to a line with words keeps the segment (and its time) and says so
            text = (self.translate_text(source) or f"[untranslated] {source}") if source else ""
            out.append({"idx": seg["idx"], "start": seg["start"], "end": seg["end"], "text": text})
        self.on_progress(total, total)
        return {"language": code, "language_name": name, "segments": out,
                "model": os.path.basename(self.engine.path)}
