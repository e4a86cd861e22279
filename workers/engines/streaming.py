"""Streaming transcription: text while it is spoken, each word once it is final.

The policy is whisper_streaming's LocalAgreement-2 (Macháček, Dabre and Bojar, 2023):
the growing audio buffer is transcribed again as soon as the last pass is over and at
least ``MIN_CHUNK_SECONDS`` of new sound has come; a word is final when two consecutive
passes agree on it and on everything before it (the longest common prefix of the two
hypotheses). Once the buffer is longer than ``TRIM_SECONDS`` it is cut at the end of the
last final sentence, and the final text before the cut is given to the next passes as
their prompt. Lines are sentences: one is given as soon as its last word is final.

A pass decodes the buffer once, as one segment without timestamps (the words' times come
from the cross-attention alignment all the same): with timestamps, faster-whisper drops
the unfinished last segment and reads the buffer's end again in a second 30-s window,
which cost about half a pass more (a second encoder run in one pass of two).

While every word is final and only silence comes (Silero VAD on the buffer's end), no
pass runs. (Tried and left out: a pause making the words before it final without a second
pass, and cutting the buffer at such a pause: on jfk both made words that one pass heard
badly at a pause final, WER 0.045 → 0.14–0.23; the corpus meetings have no pause of 0.5 s.)

The model is the one the workers load (``SpeechEngine.get``: the bundled tiny.en by
default), in this process. No Qt, no Celery."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from workers.engines.speech import SpeechEngine, TranscribeOptions
from workers.media import SAMPLE_RATE

MIN_CHUNK_SECONDS = 0.5  # new sound before the next pass (a pass starts once the last is over)
TRIM_SECONDS = 10.0  # a longer buffer is cut at the last final sentence's end
MAX_BUFFER_SECONDS = 20.0  # ... and at the last final word if no sentence ended (Whisper hears 30 s)
QUIET_SECONDS = 0.2  # no pass while the silence at the buffer's end is this much older than the last pass
SPEECH = 0.5  # Silero's probability from which a window is speech (faster-whisper's default threshold)
PROMPT_CHARS = 200
LONGEST_LINE_WORDS = 30  # a line with no sentence end is given at this many final words
CLAUSE_LINE_WORDS = 12  # ... or at a comma once it has this many (tiny.en writes long run-on sentences)
SENTENCE_END = re.compile(r"[.?!…]['\")\]]*$")


@dataclass(frozen=True)
class Word:
    start: float  # seconds from the recording's start
    end: float
    text: str  # as Whisper wrote it, with its leading space

    @property
    def key(self) -> str:
        """What two passes must agree on: the word without case or punctuation."""
        return re.sub(r"[^\w']", "", self.text.lower())


@dataclass(frozen=True)
class Line:
    start: float
    end: float  # when its last word ended
    text: str


class Agreement:
    """LocalAgreement-2 over word hypotheses (whisper_streaming's HypothesisBuffer)."""

    def __init__(self):
        self.recent: list[Word] = []  # the last final words (a pass may repeat them at its start)
        self.previous: list[Word] = []  # the last pass's words after the final ones
        self.last_final_end = 0.0

    def agree(self, words: list[Word]) -> list[Word]:
        """This pass's words (times from the recording's start); returns the words that
        became final: the prefix this pass and the previous one share."""
        new = [w for w in words if w.start > self.last_final_end - 0.1]
        if new and abs(new[0].start - self.last_final_end) < 1 and self.recent:
            # the pass may repeat the last final words at its start (also once the buffer was
            # cut after them: heard again in its first sound): drop the longest such n-gram
            for n in range(min(len(self.recent), len(new), 5), 0, -1):
                tail = [w.key for w in self.recent[-n:]]
                if [w.key for w in new[:n]] == tail:
                    new = new[n:]
                    break
        final = []
        for mine, before in zip(new, self.previous):
            if mine.key != before.key or not mine.key:
                break
            final.append(mine)
        self.previous = new[len(final):]
        self._made_final(final)
        return final

    def _made_final(self, final: list[Word]) -> None:
        if final:
            self.last_final_end = final[-1].end
            self.recent = (self.recent + final)[-5:]

    def force(self, until: float) -> list[Word]:
        """The last pass's words that end by *until* are final without a second pass (the
        buffer grew too long while passes kept disagreeing: its start must go, and its
        words with it, never its sound untranscribed)."""
        final = [w for w in self.previous if w.end <= until]
        self.previous = self.previous[len(final):]
        self._made_final(final)
        return final


class LiveTranscriber:
    """Feed it samples as they come (``feed``), call ``step`` whenever it is free: it gives
    the lines that became final. ``finish`` gives the rest once the sound has ended."""

    def __init__(self, options: TranscribeOptions, *, engine: SpeechEngine | None = None):
        self.options = options
        self.engine = engine or SpeechEngine.get(options)
        self.engine._check(options)
        self.buffer = np.zeros(0, dtype=np.float32)
        self.offset = 0.0  # the buffer's start, in seconds from the recording's start
        self.heard = 0.0  # seconds fed so far
        self.processed_to = 0.0  # the sound the last pass had
        self.agreement = Agreement()
        self.final: list[Word] = []  # every final word
        self._line_from = 0  # the first final word not given in a line yet
        self.passes = 0
        self.skipped = 0  # passes not run: only silence came

    def feed(self, samples: np.ndarray) -> None:
        """16 kHz mono float32 samples, or int16."""
        if samples.dtype == np.int16:
            samples = samples.astype(np.float32) / 32768.0
        self.buffer = np.concatenate([self.buffer, samples])
        self.heard += len(samples) / SAMPLE_RATE

    def ready(self) -> bool:
        """Enough new sound for another pass."""
        return self.heard - self.processed_to >= MIN_CHUNK_SECONDS

    def step(self) -> list[Line]:
        """One pass over the buffer; the lines that became final."""
        new = self.heard - self.processed_to
        self.processed_to = self.heard
        if not self.agreement.previous and self._silence_at_end(new + QUIET_SECONDS) >= new + QUIET_SECONDS:
            self.skipped += 1  # nothing waits to be final and only silence came: nothing to transcribe
        else:
            self.final += self.agreement.agree(self._transcribe())
        self._trim()
        return self._lines(force=False)

    def _silence_at_end(self, seconds: float) -> float:
        """How long the buffer's end has been silent (Silero), looking back at most *seconds*."""
        from workers.engines.voice_activity import WINDOW, probabilities

        tail = self.buffer[-int((seconds + 0.5) * SAMPLE_RATE):]  # half a second more for Silero to settle
        if len(tail) < int((seconds + 0.5) * SAMPLE_RATE):
            return 0.0  # the buffer was just cut: too little to tell
        probs = probabilities(tail)[: len(tail) // WINDOW]
        speech = np.flatnonzero(probs >= SPEECH)
        quiet = len(probs) - (speech[-1] + 1 if len(speech) else 0)
        return min(seconds, quiet * WINDOW / SAMPLE_RATE)

    def finish(self) -> list[Line]:
        """The sound has ended: the last pass's words are final too (no pass comes to agree)."""
        if self.heard > self.processed_to or self.agreement.previous:
            self.processed_to = self.heard
            words = self._transcribe()
            self.final += self.agreement.agree(words) + self.agreement.previous
            self.agreement.previous = []
        return self._lines(force=True)

    def _prompt(self) -> str:
        before = "".join(w.text for w in self.final if w.end <= self.offset)
        return before[-PROMPT_CHARS:].strip()

    def _transcribe(self) -> list[Word]:
        o = self.options
        self.passes += 1
        segments, _ = self.engine.model.transcribe(
            self.buffer, language=o.language or "en", task=o.task, beam_size=o.beam_size,
            initial_prompt=self._prompt() or None, condition_on_previous_text=True, word_timestamps=True,
            vad_filter=o.vad_filter, hotwords=o.hotwords or None, without_timestamps=True)
        words = []
        # without timestamps the buffer is one segment; the generator would go on to read the
        # buffer's end after the last word again (another encoder run): it is not asked for more
        for segment in filter(None, [next(iter(segments), None)]):
            for w in segment.words or ():
                words.append(Word(self.offset + w.start, self.offset + w.end, w.word))
        return words

    def _trim(self) -> None:
        """Cut the buffer at the last final sentence's end once it is long (at the last final
        word's end once it nears Whisper's 30 s)."""
        length = len(self.buffer) / SAMPLE_RATE
        if length <= TRIM_SECONDS:
            return
        inside = [w for w in self.final if w.end > self.offset]
        ends = [w.end for w in inside if SENTENCE_END.search(w.text.strip())]
        at = ends[-1] if ends else None
        if at is None and length > MAX_BUFFER_SECONDS:
            # no sentence ended: cut at the last final word, after taking the last pass's
            # words of the buffer's first part as final if the final words lag behind
            self.final += self.agreement.force(self.offset + length - TRIM_SECONDS)
            inside = [w for w in self.final if w.end > self.offset]
            at = inside[-1].end if inside else self.offset + length - TRIM_SECONDS  # no words: silence
        if at is not None:
            self._cut(at)

    def _cut(self, at: float) -> None:
        """The buffer starts at *at* (seconds from the recording's start) from now on."""
        if at > self.offset:
            self.buffer = self.buffer[int((at - self.offset) * SAMPLE_RATE):]
            self.offset = at

    def _lines(self, force: bool) -> list[Line]:
        lines, words = [], self.final
        start = self._line_from
        for i in range(self._line_from, len(words)):
            text = words[i].text.strip()
            n = i + 1 - start
            if SENTENCE_END.search(text) or n >= LONGEST_LINE_WORDS or (n >= CLAUSE_LINE_WORDS and text.endswith(",")):
                lines.append(self._line(words[start:i + 1]))
                start = i + 1
        if force and start < len(words):
            lines.append(self._line(words[start:]))
            start = len(words)
        self._line_from = start
        return lines

    @staticmethod
    def _line(words: list[Word]) -> Line:
        return Line(words[0].start, words[-1].end, "".join(w.text for w in words).strip())
