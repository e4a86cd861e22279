"""Who spoke when: speaker turns from a recording, offline, with no torch.

The voice encoder is CAM++ (3D-Speaker's zh-en "common advanced" model, Apache-2.0):
a densely connected TDNN over 80-band Kaldi
filterbanks that gives a 192-number voice print for a window of speech. Its weights ship
in Earmark as ``voice/campplus.onnx`` (converted by ``scripts/campplus_onnx.py``) and, what
the stage runs, ``voice/campplus_int8.onnx`` (7-bit weights, made from it by
``scripts/speaker_int8.py``), on onnxruntime, which faster-whisper already brings. On far-field AMI speech it tells
people apart where Resemblyzer's GE2E (``voice/ge2e.npz``, still here for the bench and
its agreement test) barely did: 1.6 s prints of different people 0.26 alike on average,
of the same person 0.60 (GE2E 0.65 vs 0.75), AMI trn01-05.

``diarize()`` reads the recording in blocks (the audio is never held whole) and gives it,
10 s at a time, to pyannote's segmentation-3.0 (``segmentation.py``, MIT, ONNX), which says
where up to three people talk in that chunk, two at once included; each of them gets a CAM++
print of the speech where they talk alone; the prints are clustered over the whole recording
(average linkage; the number of voices from SAME_SPEAKER, or as asked), and frame by frame the
chunks say how many talk and who. It returns turns (two people's may overlap), one voice print
per speaker (their mean) and their speaking time. Settings were chosen on AMI trn01-05 and one
synthetic meeting (bench/bench_speakers.py). ``take_prints`` and ``in_context`` are round 3's
way (2 s windows of the speech Silero VAD finds), kept for the bench.

Pure NumPy functions plus one cached encoder: no Celery, no Qt.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from workers.media import SAMPLE_RATE

WEIGHTS = Path(__file__).resolve().parent / "voice" / "ge2e.npz"
CAMPP_FLOAT = Path(__file__).resolve().parent / "voice" / "campplus.onnx"  # as converted (scripts/campplus_onnx.py)
CAMPP_WEIGHTS = CAMPP_FLOAT.with_name("campplus_int8.onnx")  # what the stage runs: 7-bit weights, made from
# the float one by scripts/speaker_int8.py (round 8: the same turns on the tuning part, the stage 0.66x the CPU)
SPEAKER_MODELS = "segmentation-3.0 + CAM++"  # what the stage runs, as the queue panel names it
WINDOW_SECONDS = 1.6  # GE2E's window (its encoder, kept for the bench and its agreement test)
TARGET_DBFS = -30  # the speech level GE2E was trained on (CAM++'s filterbank is mean-normalised: level-free)
EMBED_BATCH = 128  # GE2E windows through the encoder at once
BLOCK_SECONDS = 300.0  # decoded at a time
MAX_CLUSTERED = 1200  # voice prints clustered directly; the rest join the nearest speaker
MAX_SPEAKERS = 8
SAME_SPEAKER = 0.62  # auto: groups of prints alike on average this much are one voice (round 3's middle of
# 0.55-0.70 on the tuning part). With the settings below AMI trn01-05 keep their best DER from 0.60 to under 0.70
# (0.70: 0.42) and tune_three from 0.60 to 0.70 (0.50-0.55 merge two of its espeak-ng voices)
MIN_PRINTS = 1  # a group of fewer prints is not a speaker of its own
SEG_STEP = 5.0  # seconds between 10 s segmentation chunks (AMI trn01-05, prints of 3 s at most: 5 s 0.263,
# 2.5 s 0.260, at 0.02 / 0.035 of real time on one core; chosen for the cost aim, 0.3 of the transcription).
# Round 5: 6 s 0.264 and 7.5 s 0.264 (5 s 0.267 with the small-speaker rule), synthetic the same, at 0.020 and
# 0.017 of real time (5 s 0.023), but at 7.5 s the remembered-voice test no longer recognises FEE083 in trn09
# (0.64 alike, speaker_match 0.65); 6 s passes it (0.70), but that would be choosing on held-out speech: kept 5 s
CLEAN_SECONDS = 1.0  # a local speaker's print is of their speech alone if they have this much of it (0.5-2: same)
STRONG_SECONDS = 2.0  # a print of less speech joins a speaker, makes none (as round 3's windows: at 1 s the
# three sentences of one man in jfk.flac became three speakers; AMI trn01-05: 1 s 0.260, 2 s 0.264)
PRINT_SECONDS = 3.0  # at most this much of a local speaker's speech in a chunk is printed (its middle): the
# encoder is most of the stage's time and grows with the length (3, 5 or all 10 s: the same DER on the tuning part)
MIN_TURN_SECONDS = 1.0  # see _turns_of (AMI trn01-05: 0.272 with or without, at 0.75 or 1.0)
PAUSE_SECONDS = 0.3  # a silence this long or longer in a local speaker's speech starts another stretch
LEAST_SECONDS = 0.2  # a local speaker with less speech than this in a chunk is no one
SMALL_SPEAKER_SECONDS = 4.0  # auto: a speaker with less speech than this in all joins the most alike speaker,
SMALL_JOINS_ABOVE = 0.45  # if at least this alike. Tuning part: one woman of trn05 was two speakers (2 s + 22 s,
# 0.56 alike); 2.5-5 s with 0.3-0.45 join her and no one else (DER 0.272 -> 0.267); MEE076, a man with 2.8 s in
# trn04, is 0.23 alike to MEE075 (0.38 with chunks every 7.5 s, where 0.3 joined him: 0.28 -> 0.44, and her part
# was 2.5-4 s): 4 s and 0.45 hold in both


@dataclass(frozen=True)
class SpeakerCount:
    """auto (None, None), exactly N (N, N), or between low and high."""

    low: int | None = None
    high: int | None = None

    @classmethod
    def parse(cls, text: str | int | None) -> "SpeakerCount":
        """'auto', '3' or '2-4' (also '2..4'). Raises ValueError with the words to show."""
        raw = str(text if text is not None else "auto").strip().lower()
        if raw in ("", "auto", "on", "yes", "true"):
            return cls()
        try:
            if "-" in raw or ".." in raw:
                low, high = (int(p) for p in raw.replace("..", "-").split("-", 1))
            else:
                low = high = int(raw)
        except ValueError:
            raise ValueError(f"Speakers must be auto, a number or a range such as 2-4, not {text!r}.") from None
        if 1 <= high < low <= MAX_SPEAKERS:
            raise ValueError(f"A range of speakers goes from the smaller number to the larger: {high}-{low}, "
                             f"not {text!r}.")
        if not 1 <= low <= high <= MAX_SPEAKERS:
            raise ValueError(f"Speakers must be between 1 and {MAX_SPEAKERS} (got {text!r}).")
        return cls(low, high)

    def bounds(self, points: int) -> tuple[int, int]:
        low, high = self.low or 1, self.high or MAX_SPEAKERS
        high = max(1, min(high, points))
        return min(low, high), high


# --- the voice encoder ----------------------------------------------------------

def _mel_filters(n_fft: int = 400, n_mels: int = 40) -> np.ndarray:
    """Slaney-style mel filterbank (as librosa's default), shape (n_mels, n_fft//2+1)."""

    def hz_to_mel(f):
        f = np.asarray(f, dtype=np.float64)
        mel = f / (200.0 / 3)
        log_region = f >= 1000.0
        return np.where(log_region, 15.0 + np.log(np.maximum(f, 1e-10) / 1000.0) / (math.log(6.4) / 27.0), mel)

    def mel_to_hz(m):
        m = np.asarray(m, dtype=np.float64)
        f = m * (200.0 / 3)
        return np.where(m >= 15.0, 1000.0 * np.exp((math.log(6.4) / 27.0) * (m - 15.0)), f)

    fft_freqs = np.linspace(0, SAMPLE_RATE / 2, n_fft // 2 + 1)
    mel_points = mel_to_hz(np.linspace(hz_to_mel(0.0), hz_to_mel(SAMPLE_RATE / 2), n_mels + 2))
    spacing = np.diff(mel_points)
    ramps = mel_points[:, None] - fft_freqs[None, :]
    lower = -ramps[:-2] / spacing[:-1, None]
    upper = ramps[2:] / spacing[1:, None]
    weights = np.maximum(0, np.minimum(lower, upper))
    weights *= (2.0 / (mel_points[2:n_mels + 2] - mel_points[:n_mels]))[:, None]
    return weights.astype(np.float32)


class VoiceEncoder:
    """Voice prints (256 numbers, L2-normed) of 1.6 s windows of 16 kHz speech."""

    FRAMES = 160
    N_FFT, FRAME_STEP = 400, 160

    def __init__(self, weights: Path = WEIGHTS):
        if not weights.is_file():
            from workers.errors import EarmarkError
            from workers.messages import say

            raise EarmarkError(say("speaker-model-missing", path=str(weights)))
        with np.load(weights) as data:
            w = {k: data[k].astype(np.float32) for k in data.files}
        self.layers = [(w[f"lstm.weight_ih_l{i}"].T.copy(), w[f"lstm.weight_hh_l{i}"].T.copy(),
                        w[f"lstm.bias_ih_l{i}"] + w[f"lstm.bias_hh_l{i}"]) for i in range(3)]
        self.linear = (w["linear.weight"].T.copy(), w["linear.bias"])
        self.mel = _mel_filters(self.N_FFT).T.copy()
        n = np.arange(self.N_FFT)
        self.window = (0.5 - 0.5 * np.cos(2 * np.pi * n / self.N_FFT)).astype(np.float32)  # periodic Hann

    def mels(self, windows: np.ndarray, step: int = 16) -> np.ndarray:
        """(batch, samples) → (batch, 160, 40) mel power frames (*step* windows at a time:
        the spectra of a whole batch would take hundreds of MB)."""
        pad = self.N_FFT // 2
        idx = np.arange(self.FRAMES)[:, None] * self.FRAME_STEP + np.arange(self.N_FFT)[None, :]
        out = np.empty((len(windows), self.FRAMES, self.mel.shape[1]), np.float32)
        for i in range(0, len(windows), step):
            padded = np.pad(windows[i:i + step], ((0, 0), (pad, pad)))
            frames = padded[:, idx] * self.window  # (step, 160, 400)
            power = np.abs(np.fft.rfft(frames, axis=-1)) ** 2
            out[i:i + step] = power.astype(np.float32) @ self.mel
        return out

    def embed(self, windows: np.ndarray, batch: int = EMBED_BATCH, normalise: bool = True) -> np.ndarray:
        """Voice prints of equal-length windows (each WINDOW_SECONDS of samples); with
        *normalise*, each window brought to -30 dBFS first (else the caller has set the level)."""
        out = []
        for start in range(0, len(windows), batch):
            chunk = np.asarray(windows[start:start + batch], dtype=np.float32)
            if normalise:
                rms = np.sqrt(np.mean(chunk ** 2, axis=1, keepdims=True)) + 1e-6
                chunk = chunk * (10 ** (TARGET_DBFS / 20) / rms)
            out.append(self._forward(self.mels(chunk)))
        return np.concatenate(out) if out else np.zeros((0, 256), np.float32)

    def _forward(self, x: np.ndarray) -> np.ndarray:
        batch, steps, _ = x.shape
        h = None
        for w_ih, w_hh, bias in self.layers:
            hidden = w_hh.shape[0]
            inputs = x @ w_ih + bias  # every step's input part at once: (batch, steps, 4*hidden)
            h = np.zeros((batch, hidden), np.float32)
            c = np.zeros((batch, hidden), np.float32)
            outputs = np.empty((batch, steps, hidden), np.float32)
            for t in range(steps):
                gates = inputs[:, t] + h @ w_hh
                i, f, g, o = np.split(gates, 4, axis=1)  # PyTorch's gate order
                c = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
                h = _sigmoid(o) * np.tanh(c)
                outputs[:, t] = h
            x = outputs
        w, b = self.linear
        raw = np.maximum(h @ w + b, 0)
        return raw / (np.linalg.norm(raw, axis=1, keepdims=True) + 1e-9)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (np.tanh(0.5 * x) + 1.0)


def _kaldi_mel_banks(n_mels: int = 80, n_fft: int = 512, low: float = 20.0) -> np.ndarray:
    """Kaldi's triangular mel filters (its defaults: 20 Hz to Nyquist), shape (n_fft//2+1, n_mels)."""
    mel = lambda f: 1127.0 * np.log(1.0 + np.asarray(f, np.float64) / 700.0)  # noqa: E731
    lo, hi = mel(low), mel(SAMPLE_RATE / 2)
    delta = (hi - lo) / (n_mels + 1)
    centre_mels = mel(np.arange(n_fft // 2) * SAMPLE_RATE / n_fft)
    left = lo + np.arange(n_mels)[:, None] * delta
    centre, right = left + delta, left + 2 * delta
    rising, falling = (centre_mels - left) / (centre - left), (right - centre_mels) / (right - centre)
    weights = np.where((centre_mels > left) & (centre_mels < right),
                       np.where(centre_mels <= centre, rising, falling), 0.0)
    return np.pad(weights, ((0, 0), (0, 1))).T.astype(np.float32)  # the Nyquist bin weighs nothing


class CamppEncoder:
    """Voice prints (192 numbers, L2-normed) of windows of 16 kHz speech: CAM++ (3D-Speaker,
    the zh-en "common advanced" model, Apache-2.0) run by onnxruntime on Kaldi filterbanks.

    The front end is Kaldi's fbank as 3D-Speaker computes it (25 ms frames every 10 ms, no
    dither, DC removed, pre-emphasis 0.97, Povey window, 512-point FFT, 80 mel bands, log
    power; kaldi-native-fbank agrees to 1e-4), each window's mean band level subtracted."""

    DIM = 192
    FRAME, STEP, N_FFT = 400, 160, 512

    def __init__(self, weights: Path = CAMPP_WEIGHTS):
        if not weights.is_file():
            from workers.errors import EarmarkError
            from workers.messages import say

            raise EarmarkError(say("speaker-model-missing", path=str(weights)))
        import onnxruntime as ort

        options = ort.SessionOptions()
        # one thread, as the BLAS limit around this stage: the speech engine may hold the other cores
        options.intra_op_num_threads, options.inter_op_num_threads = 1, 1
        options.log_severity_level = 3
        # no memory pool: it keeps the largest batch's buffers for the life of the worker (memory grew with length)
        options.enable_cpu_mem_arena = False
        self.session = ort.InferenceSession(str(weights), options, providers=["CPUExecutionProvider"])
        self.banks = _kaldi_mel_banks(n_fft=self.N_FFT)
        n = np.arange(self.FRAME)
        self.window = ((0.5 - 0.5 * np.cos(2 * np.pi * n / (self.FRAME - 1))) ** 0.85).astype(np.float32)

    def fbank(self, windows: np.ndarray) -> np.ndarray:
        """(batch, samples) → (batch, frames, 80) log mel energies less each window's mean."""
        frames = 1 + (windows.shape[1] - self.FRAME) // self.STEP
        idx = np.arange(frames)[:, None] * self.STEP + np.arange(self.FRAME)[None, :]
        x = windows.astype(np.float32)[:, idx]  # (batch, frames, 400)
        x = x - x.mean(axis=2, keepdims=True)
        x = np.concatenate([x[..., :1] * (1 - 0.97), x[..., 1:] - 0.97 * x[..., :-1]], axis=2)
        power = np.abs(np.fft.rfft(x * self.window, n=self.N_FFT, axis=2)) ** 2
        feats = np.log(np.maximum(power.astype(np.float32) @ self.banks, np.finfo(np.float32).eps))
        return feats - feats.mean(axis=1, keepdims=True)

    def embed(self, windows: np.ndarray, batch: int = 32, normalise: bool = True) -> np.ndarray:
        """Voice prints of equal-length windows (the level does not matter: the filterbank
        is mean-normalised; *normalise* is accepted for the GE2E encoder's callers)."""
        out = []
        for start in range(0, len(windows), batch):
            feats = self.fbank(np.asarray(windows[start:start + batch], np.float32))
            raw = self.session.run(None, {"feats": feats})[0]
            out.append(raw / (np.linalg.norm(raw, axis=1, keepdims=True) + 1e-9))
        return np.concatenate(out).astype(np.float32) if out else np.zeros((0, self.DIM), np.float32)


@lru_cache(maxsize=1)
def encoder() -> CamppEncoder:
    """The encoder the speaker stage uses."""
    return CamppEncoder()


@lru_cache(maxsize=1)
def ge2e_encoder() -> VoiceEncoder:
    """Resemblyzer's GE2E, the encoder before CAM++ (bench and the agreement test)."""
    return VoiceEncoder()


def voice_print(embeddings: np.ndarray) -> np.ndarray:
    """One print for a set of windows of the same voice: their normed mean."""
    mean = np.asarray(embeddings, np.float32).mean(axis=0)
    return mean / (np.linalg.norm(mean) + 1e-9)


# --- reading the recording ----------------------------------------------------------

def blocks(path: str, seconds: float = BLOCK_SECONDS):
    """(start seconds, float32 16 kHz mono samples) of the recording, block by block."""
    import av

    size = int(seconds * SAMPLE_RATE)
    resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
    pending, held, position = [], 0, 0
    with av.open(path, mode="r", metadata_errors="ignore") as container:
        stream = next(iter(container.streams.audio))
        for frame in container.decode(stream):
            frame.pts = None
            for out in resampler.resample(frame):
                pending.append(out.to_ndarray().reshape(-1))
                held += out.samples
            while held >= size:
                joined = np.concatenate(pending)
                yield position / SAMPLE_RATE, joined[:size].astype(np.float32) / 32768.0
                position += size
                pending, held = [joined[size:]], len(joined) - size
        for out in resampler.resample(None):
            pending.append(out.to_ndarray().reshape(-1))
    if pending:
        joined = np.concatenate(pending)
        if len(joined):
            yield position / SAMPLE_RATE, joined.astype(np.float32) / 32768.0


def _runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (exclusive) of each run of True."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(np.int8), [0]])))
    return edges[::2], edges[1::2]


def _close(mask: np.ndarray, frames: int) -> np.ndarray:
    """The mask with its gaps shorter than *frames* filled (a breath is not a pause)."""
    out = mask.copy()
    starts, ends = _runs(mask)
    for end, start in zip(ends[:-1], starts[1:]):
        if start - end < frames:
            out[end:start] = True
    return out


# --- clustering ---------------------------------------------------------------------

def cluster(embeddings: np.ndarray, count: SpeakerCount = SpeakerCount(), seed: int = 0,
            weak: np.ndarray | None = None) -> np.ndarray:
    """A speaker number (0, 1, …) for every voice print, over the whole recording.

    Average-linkage clustering of the prints by cosine similarity: groups merge, most
    alike first, until no two are alike enough (SAME_SPEAKER, auto) or as many groups
    are left as asked; a group of fewer than MIN_PRINTS prints is no speaker. Then every print
    joins the nearest group's mean, a few rounds over. *weak* prints (from short runs of
    speech) take no part in making the groups, only join them, unless there are no others."""
    n = len(embeddings)
    if n == 0:
        return np.zeros(0, int)
    strong = np.flatnonzero(~weak) if weak is not None and (~weak).any() else np.arange(n)
    low, high = count.bounds(len(strong))
    if len(strong) < 2 or high == 1:
        return np.zeros(n, int)
    rng = np.random.default_rng(seed)
    sample = np.sort(rng.choice(strong, MAX_CLUSTERED, replace=False)) if len(strong) > MAX_CLUSTERED else strong
    groups = sorted(_agglomerate(embeddings[sample], low, high), key=len, reverse=True)
    while len(groups) > low and len(groups[-1]) < MIN_PRINTS:
        groups.pop()  # its prints join the nearest speaker below
    centroids = np.stack([voice_print(embeddings[sample[g]]) for g in groups])
    centroids = _refine(embeddings[strong], centroids)
    return _renumber(np.argmax(embeddings @ centroids.T, axis=1))


def _agglomerate(points: np.ndarray, low: int, high: int) -> list[np.ndarray]:
    """Groups of point indices (average linkage, Lance-Williams updates)."""
    n = len(points)
    sim = (points @ points.T).astype(np.float64)
    np.fill_diagonal(sim, -np.inf)
    members = {i: [i] for i in range(n)}
    while len(members) > low:
        i, j = np.unravel_index(np.argmax(sim), sim.shape)
        if len(members) <= high and sim[i, j] < SAME_SPEAKER:
            break
        _join_groups(sim, members, i, j)
    return [np.array(m) for m in members.values()]


def _join_groups(sim: np.ndarray, members: dict[int, list[int]], i: int, j: int) -> None:
    """Group j merged into group i, in place: i's similarities become the size-weighted mean of both
    (average linkage), j's row and column are no more."""
    ni, nj = len(members[i]), len(members[j])
    merged = (sim[i] * ni + sim[j] * nj) / (ni + nj)
    sim[i], sim[:, i] = merged, merged
    sim[i, i] = -np.inf
    sim[j], sim[:, j] = -np.inf, -np.inf
    members[i] += members.pop(j)


def _refine(embeddings: np.ndarray, centroids: np.ndarray, rounds: int = 5) -> np.ndarray:
    for _ in range(rounds):
        labels = np.argmax(embeddings @ centroids.T, axis=1)
        centroids = np.stack([voice_print(embeddings[labels == j]) if np.any(labels == j) else centroids[j]
                              for j in range(len(centroids))])
    return centroids


def _renumber(labels: np.ndarray) -> np.ndarray:
    """Speaker 0 is the first to speak, 1 the next new voice, and so on."""
    order: dict[int, int] = {}
    for label in labels:
        order.setdefault(int(label), len(order))
    return np.array([order[int(label)] for label in labels], int)


# --- turns ----------------------------------------------------------------------------

@dataclass
class Turn:
    start: float
    end: float
    speaker: int


@dataclass
class Diarization:
    turns: list[Turn]
    prints: dict[int, np.ndarray]  # speaker → voice print
    seconds: dict[int, float]  # speaker → speaking time


def diarize(path: str, count: SpeakerCount = SpeakerCount(), on_progress=None,
            duration: float | None = None, segments: list[dict] | None = None) -> Diarization:
    """Who spoke when in the recording at *path*, two at once included.

    pyannote's segmentation-3.0 (``segmentation.py``) reads 10 s chunks every SEG_STEP seconds
    and says where each of up to three local speakers talks, overlap included; each local
    speaker of each chunk gets a CAM++ voice print of the speech where they talk alone (all
    their speech if that is under CLEAN_SECONDS), or, where two stretches of it (apart by a
    pause, each STRONG_SECONDS or more) sound like two people, a print of each stretch (the
    model can take two voices one after the other for one person);
    the prints are clustered over the whole recording (``cluster``), and two local speakers
    who talk at once in a chunk are never given the same speaker; with the count auto, nor are two
    who each have CLEAN_SECONDS alone in one chunk and whose prints differ (``_apart``): a short
    voice the model hears beside a long one keeps a speaker of its own unless it matches a third.
    Then, frame by frame, the chunks covering it say how many talk and who (pyannote's
    reconstruction: the counts and activities averaged with a Hamming window across chunks).
    *segments* (the transcript) are not needed: speech is found by the audio."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        local, prints, owners, weak, starts = _segment_and_print(path, on_progress, duration)
        if not len(prints):
            return Diarization([], {}, {})
        activity, chosen = _speakers_of(local, prints, owners, weak, starts, count)
    result = _turns_of(activity)
    order = {speaker: i for i, speaker in enumerate(dict.fromkeys(t.speaker for t in result))}
    for t in result:
        t.speaker = order[t.speaker]
    found = {order[s]: voice_print(prints[chosen == s]) for s in order if np.any(chosen == s)}
    seconds: dict[int, float] = {}
    for t in result:
        seconds[t.speaker] = round(seconds.get(t.speaker, 0.0) + t.end - t.start, 2)
    return Diarization([t for t in result if t.speaker in found], found,
                       {s: v for s, v in seconds.items() if s in found})


def _speakers_of(local: list, prints: np.ndarray, owners: np.ndarray, weak: np.ndarray, starts: np.ndarray,
                 count: SpeakerCount) -> tuple[np.ndarray, np.ndarray]:
    """(frames, speakers) activity over the recording and each print's speaker, from ``_segment_and_print``'s
    output: the prints clustered, tied to the chunks' local speakers, the frames reconstructed, small speakers
    joined (auto count)."""
    labels = cluster(prints, count, weak=weak)
    speakers = int(labels.max()) + 1
    centroids = np.stack([voice_print(prints[labels == s]) for s in range(speakers)])
    apart = _apart(prints, owners, local) if count.low is None else None
    chosen = _tie_pieces(prints, owners, centroids, local, apart)
    speakers = max(speakers, int(chosen.max()) + 1)  # an apart pair may make a speaker
    activity = _reconstruct(local, owners, chosen, starts, speakers)
    if count.low is None:
        activity, chosen = _merge_small(activity, prints, chosen, apart)
    return activity, chosen


def _speech_to_print(talk: np.ndarray, alone: np.ndarray) -> np.ndarray:
    """The frames of a local speaker's speech (*talk*) that its print is made of: those where it talks alone,
    if there are CLEAN_SECONDS of them, else all."""
    from workers.engines import segmentation as sg

    clean = talk & alone
    return clean if clean.sum() * sg.FRAME_STEP >= CLEAN_SECONDS * SAMPLE_RATE else talk


def _segment_and_print(path: str, on_progress, duration):
    """Per chunk: local activity (chunks, FRAMES, 3) bool, packed; a print per local speaker, or per
    stretch of their speech (apart by PAUSE_SECONDS) if two stretches sound like two people: prints (n, 192), owners (n, 4: chunk, local speaker,
    the frames [from, to) the stretch speaks for: up to halfway to the next), weak (n,), chunk starts."""
    from workers.engines import segmentation as sg

    seg, enc = sg.segmenter(), encoder()
    local, prints, owners, weak, starts = [], [], [], [], []
    pending: list = []

    def run(batch):
        act = seg.activity(np.stack([c.audio for c in batch]))
        for chunk, a in zip(batch, act):
            c = len(starts)
            starts.append(chunk.start)
            local.append(np.packbits(a, axis=0))
            alone = a.sum(axis=1) == 1
            for k in range(sg.LOCAL_SPEAKERS):
                talk = a[:, k]
                if talk.sum() * sg.FRAME_STEP < LEAST_SECONDS * SAMPLE_RATE:
                    continue
                use = _speech_to_print(talk, alone)
                froms, tos = _runs(_close(use, int(PAUSE_SECONDS * SAMPLE_RATE / sg.FRAME_STEP)))
                edges = [0, *((tos[:-1] + froms[1:]) // 2), sg.FRAMES]
                stretches = []
                for i, (lo, hi) in enumerate(zip(froms, tos)):
                    piece = np.zeros_like(use)
                    piece[lo:hi] = use[lo:hi]
                    stretches.append((chunk.audio[sg.sample_mask(piece)], edges[i], edges[i + 1]))
                # the stretches' prints only where there are two long ones to compare (the encoder is most
                # of the stage's time), and each print made once
                long = [i for i, (a, *_) in enumerate(stretches) if len(a) >= STRONG_SECONDS * SAMPLE_RATE]
                made = {i: _print_of(enc, stretches[i][0]) for i in long} if len(long) >= 2 else {}
                alike = np.stack(list(made.values())) if made else None
                if made and float(np.min(alike @ alike.T)) < SAME_SPEAKER:
                    pieces = [(a, lo, hi, made.get(i)) for i, (a, lo, hi) in enumerate(stretches)]  # two voices the
                    # model took for one: a print each stretch
                else:  # one voice: its print is the long stretches' (their mean) if they were made, else one made of
                    # the middle of all its speech (round 8: no print made and thrown away; same turns on the tuning part)
                    pieces = [(chunk.audio[sg.sample_mask(use)], 0, sg.FRAMES,
                               voice_print(alike) if made else None)]
                for samples, lo, hi, made_print in pieces:
                    if len(samples) >= LEAST_SECONDS * SAMPLE_RATE:
                        prints.append(_print_of(enc, samples) if made_print is None else made_print)
                        owners.append((c, k, lo, hi))
                        weak.append(len(samples) < STRONG_SECONDS * SAMPLE_RATE)
        if on_progress and duration:
            on_progress(min((batch[-1].start + sg.CHUNK_SECONDS) / duration, 1.0))

    for chunk in sg.chunks(blocks(path), SEG_STEP):
        pending.append(chunk)
        if len(pending) == sg.BATCH:
            run(pending)
            pending = []
    if pending:
        run(pending)
    return (local, np.asarray(prints, np.float32).reshape(-1, CamppEncoder.DIM), np.asarray(owners, int).reshape(-1, 4),
            np.asarray(weak, bool), np.asarray(starts, float))


def _merge_small(activity: np.ndarray, prints: np.ndarray, chosen: np.ndarray,
                 apart: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Every speaker with less than SMALL_SPEAKER_SECONDS of speech joined to the most alike one, if at least
    SMALL_JOINS_ABOVE alike: the small ones in order of their seconds, fewest first; one that cannot join (no
    prints, or like no one enough) is passed over, not the end of the rule; after each join all is recomputed.
    Never to a speaker that holds a print of an *apart* pair (``_apart``) whose other print is the small one's:
    the segmentation heard them as two in one chunk; they may still join a third whose print they match."""
    from workers.engines import segmentation as sg

    apart = np.zeros((0, 2), int) if apart is None else apart
    step = sg.FRAME_STEP / SAMPLE_RATE
    joined = True
    while SMALL_SPEAKER_SECONDS and joined and activity.shape[1] > 1:
        joined = False
        seconds = activity.sum(axis=0) * step
        centroids = np.stack([voice_print(prints[chosen == s]) if np.any(chosen == s) else np.zeros(prints.shape[1])
                              for s in range(activity.shape[1])])
        for j in np.argsort(seconds, kind="stable"):
            if seconds[j] >= SMALL_SPEAKER_SECONDS:
                break
            if not np.any(chosen == j):
                continue
            sims = centroids @ centroids[j]
            sims[j] = -np.inf
            for a, b in chosen[apart]:
                if j in (a, b):
                    sims[b if a == j else a] = -np.inf
            i = int(np.argmax(sims))
            if sims[i] >= SMALL_JOINS_ABOVE:
                activity, chosen = join_speakers(activity, chosen, i, int(j))
                joined = True
                break
    return activity, chosen


def join_speakers(activity: np.ndarray, chosen: np.ndarray, i: int, j: int) -> tuple[np.ndarray, np.ndarray]:
    """Speaker j's speech and prints given to speaker i (i < j or not); the speakers after j renumbered."""
    activity[:, i] |= activity[:, j]
    activity = np.delete(activity, j, axis=1)
    chosen = np.where(chosen == j, i, chosen)
    return activity, np.where(chosen > j, chosen - 1, chosen)


def _print_of(enc, samples: np.ndarray) -> np.ndarray:
    """A CAM++ print of the middle PRINT_SECONDS of *samples* (its cost grows with the length)."""
    return enc.embed(_middle(samples)[None, :])[0]


def _middle(samples: np.ndarray) -> np.ndarray:
    """The middle PRINT_SECONDS of *samples* (all of them if shorter)."""
    most = int(PRINT_SECONDS * SAMPLE_RATE)
    return samples[(len(samples) - most) // 2:][:most] if len(samples) > most else samples


def _apart(prints: np.ndarray, owners: np.ndarray, local: list) -> np.ndarray:
    """(pairs, 2) rows of prints that are two people by the segmentation's own evidence as well as the prints':
    two local speakers of one chunk, each with CLEAN_SECONDS of speech alone in the stretch printed, whose prints
    are less than SAME_SPEAKER alike (a short voice beside a long one: pyannote's cannot-link, made safe against
    the model giving one voice two local speakers, where the prints are alike)."""
    from workers.engines import segmentation as sg

    least = CLEAN_SECONDS * SAMPLE_RATE / sg.FRAME_STEP
    pairs = []
    for c in np.unique(owners[:, 0]):
        rows = np.flatnonzero(owners[:, 0] == c)
        if len(np.unique(owners[rows, 1])) < 2:
            continue
        a = np.unpackbits(local[c], axis=0, count=sg.FRAMES).astype(bool)
        alone = a & (a.sum(axis=1, keepdims=True) == 1)
        clean = [i for i in rows if alone[owners[i, 2]:owners[i, 3], owners[i, 1]].sum() >= least]
        pairs += [(i, j) for i in clean for j in clean
                  if owners[i, 1] < owners[j, 1] and float(prints[i] @ prints[j]) < SAME_SPEAKER]
    return np.asarray(pairs, int).reshape(-1, 2)


def _tie_pieces(prints: np.ndarray, owners: np.ndarray, centroids: np.ndarray, local: list,
                apart: np.ndarray | None = None) -> np.ndarray:
    """The speaker of each stretch: the most alike, except that two local speakers who talk at
    once in a chunk are two voices (the less sure of the two takes its next most alike), and so are
    the *apart* pairs (``_apart``): there the less sure takes its next most alike only if that is at
    least SAME_SPEAKER alike, else it is a speaker of its own (numbered after the others)."""
    from workers.engines import segmentation as sg

    apart = set(map(tuple, apart.tolist())) if apart is not None else set()
    centroids = list(centroids)
    sims = prints @ np.stack(centroids).T
    chosen = np.argmax(sims, axis=1)
    for c in np.unique(owners[:, 0]):
        rows = np.flatnonzero(owners[:, 0] == c)
        if len(np.unique(owners[rows, 1])) < 2:
            continue
        a = np.unpackbits(local[c], axis=0, count=sg.FRAMES).astype(bool)
        for i in rows:
            for j in rows:
                ki, kj = owners[i, 1], owners[j, 1]
                if ki >= kj or chosen[i] != chosen[j]:
                    continue
                lo, hi = max(owners[i, 2], owners[j, 2]), min(owners[i, 3], owners[j, 3])
                two = (i, j) in apart
                if not two and not (len(centroids) > 1 and hi > lo and (a[lo:hi, ki] & a[lo:hi, kj]).any()):
                    continue
                weaker = i if sims[i, chosen[i]] < sims[j, chosen[j]] else j
                order = np.argsort(-sims[weaker])
                if not two or (len(order) > 1 and sims[weaker, order[1]] >= SAME_SPEAKER):
                    chosen[weaker] = order[1]
                else:  # a speaker of its own: every print is compared with it from now on
                    centroids.append(prints[weaker])
                    chosen[weaker] = len(centroids) - 1
                    sims = prints @ np.stack(centroids).T
    return chosen


def _reconstruct(local: list, owners: np.ndarray, chosen: np.ndarray, starts: np.ndarray,
                 speakers: int) -> np.ndarray:
    """(frames, speakers) bool over the recording (frames of segmentation.FRAME_STEP samples):
    at each frame the chunks covering it say how many talk (their mean count, rounded) and who
    (the most active speakers there), each chunk weighted by a Hamming window (its edges see
    less context)."""
    from workers.engines import segmentation as sg

    offsets = np.round(starts * SAMPLE_RATE / sg.FRAME_STEP).astype(int)
    total = int(offsets.max()) + sg.FRAMES if len(offsets) else 0
    weight = np.hamming(sg.FRAMES).astype(np.float32)
    score = np.zeros((total, speakers), np.float32)
    counted = np.zeros(total, np.float32)
    seen = np.zeros(total, np.float32)
    for c, packed in enumerate(local):
        a = np.unpackbits(packed, axis=0, count=sg.FRAMES).astype(np.float32)
        o = offsets[c]
        seen[o:o + sg.FRAMES] += weight
        counted[o:o + sg.FRAMES] += weight * a.sum(axis=1)
    for (c, k, lo, hi), who in zip(owners, chosen):
        a = np.unpackbits(local[c], axis=0, count=sg.FRAMES)[lo:hi, k].astype(np.float32)
        score[offsets[c] + lo:offsets[c] + hi, who] += weight[lo:hi] * a
    seen = np.maximum(seen, 1e-6)
    how_many = np.minimum(np.round(counted / seen).astype(int), speakers)
    order = np.argsort(-score, axis=1)
    activity = np.zeros((total, speakers), bool)
    for n in range(1, int(how_many.max(initial=0)) + 1):
        rows = np.flatnonzero(how_many >= n)
        activity[rows, order[rows, n - 1]] = True
    return activity & (score > 0)


def _turns_of(activity: np.ndarray, bridge: float = 0.3) -> list[Turn]:
    """Each speaker's runs of frames as turns (seconds), a gap under *bridge* seconds closed;
    turns of different speakers may overlap (two people at once)."""
    from workers.engines import segmentation as sg

    step = sg.FRAME_STEP / SAMPLE_RATE
    out: list[Turn] = []
    for s in range(activity.shape[1]):
        talk = _close(activity[:, s], int(round(bridge / step)))
        for a, b in zip(*_runs(talk)):
            start, end = float(sg.frame_time(a)), float(sg.frame_time(b))
            if end - start >= 0.1:
                out.append(Turn(round(max(start, 0.0), 2), round(end, 2), s))
    # a turn shorter than MIN_TURN_SECONDS at the start of a longer turn of another voice is the model
    # carrying the last voice a moment into the next one, not a turn of its own (one inside another's
    # turn is kept: people do say a word over someone)
    short = [t for t in out if t.end - t.start < MIN_TURN_SECONDS
             and any(o.speaker != t.speaker and o.end - o.start > t.end - t.start
                     and abs(t.start - o.start) <= MIN_TURN_SECONDS for o in out)]
    return sorted((t for t in out if t not in short), key=lambda t: (t.start, t.end))


# --- scoring (tests and bench) -----------------------------------------------------------

def error_parts(reference: list[tuple[float, float, str]], hypothesis: list[tuple[float, float, str]],
                collar: float = 0.25, step: float = 0.01, score_overlap: bool = True) -> dict:
    """Frame-level diarization error in parts, as seconds of scored reference speech:
    ``missed`` (reference speakers nobody in the hypothesis covers), ``false_alarm``
    (hypothesis speakers beyond the reference's), ``confusion`` (speech given to the
    wrong speaker under the best one-to-one map of hypothesis to reference speakers),
    ``speech`` and ``der`` (their sum over speech). Frames within *collar* seconds of a
    reference boundary are not scored; overlapped reference speech counts once per
    speaker, or with *score_overlap* False is not scored."""
    from itertools import permutations

    end = max([e for _, e, _ in reference + hypothesis] + [0.0])
    n = int(math.ceil(end / step)) + 1
    ref_names = sorted({s for *_, s in reference})
    hyp_names = sorted({s for *_, s in hypothesis})
    ref = np.zeros((len(ref_names), n), bool)
    hyp = np.zeros((len(hyp_names), n), bool)
    scored = np.ones(n, bool)
    for s, e, who in reference:
        ref[ref_names.index(who), int(round(s / step)):int(round(e / step))] = True
        for edge in (s, e):
            scored[max(0, int(round((edge - collar) / step))):int(round((edge + collar) / step))] = False
    for s, e, who in hypothesis:
        hyp[hyp_names.index(who), int(round(s / step)):int(round(e / step))] = True
    if not score_overlap:
        scored &= ref.sum(axis=0) <= 1
    ref, hyp = ref[:, scored], hyp[:, scored]
    n_ref, n_hyp = ref.sum(axis=0), hyp.sum(axis=0)
    together = (hyp[:, None, :] & ref[None, :, :]).sum(axis=2)  # (hyp, ref) frames in common
    size = max(len(ref_names), len(hyp_names))
    shared = np.zeros((size, size))
    shared[:len(hyp_names), :len(ref_names)] = together
    # the best map: every hypothesis speaker to at most one reference speaker (few speakers: try all)
    correct = max((shared[np.arange(size), list(p)].sum() for p in permutations(range(size))), default=0.0)
    missed = np.maximum(n_ref - n_hyp, 0).sum()
    false_alarm = np.maximum(n_hyp - n_ref, 0).sum()
    confusion = np.minimum(n_ref, n_hyp).sum() - correct
    speech = n_ref.sum()
    parts = {"missed": missed * step, "false_alarm": false_alarm * step, "confusion": confusion * step,
             "speech": speech * step}
    parts["der"] = float((missed + false_alarm + confusion) / speech) if speech else 0.0
    return {k: float(v) for k, v in parts.items()}


def diarization_error(reference: list[tuple[float, float, str]], hypothesis: list[tuple[float, float, str]],
                      collar: float = 0.25, step: float = 0.01, score_overlap: bool = True) -> float:
    """(missed + false alarm + confusion) / reference speech: see ``error_parts``."""
    return error_parts(reference, hypothesis, collar, step, score_overlap)["der"]


# --- the transcript's segments, one speaker each ---------------------------------------

def _speaker_at(turns_: list[Turn], start: float, end: float) -> int | None:
    """The speaker who holds most of [start, end]; the nearest turn's if none overlaps."""
    if not turns_:
        return None
    overlap: dict[int, float] = {}
    for t in turns_:
        shared = min(end, t.end) - max(start, t.start)
        if shared > 0:
            overlap[t.speaker] = overlap.get(t.speaker, 0.0) + shared
    if overlap:
        return max(overlap, key=overlap.get)
    middle = (start + end) / 2
    return min(turns_, key=lambda t: min(abs(t.start - middle), abs(t.end - middle))).speaker


def label_segments(segments: list[dict], turns_: list[Turn], min_piece_seconds: float = 0.5) -> list[dict]:
    """Each segment with its speaker; a segment that holds two speakers is split where
    the turn changes, between words (its words' timestamps). A segment without words,
    or whose text a person edited, is not split: it goes to the speaker who holds most
    of it. Each piece keeps ``source`` (the index of the segment it came from)."""
    out = []
    for seg in segments:
        words = seg.get("words") or []
        joined = "".join(w["word"] for w in words).strip()
        if not words or joined != seg["text"].strip():
            out.append({**seg, "speaker": _speaker_at(turns_, seg["start"], seg["end"]), "source": seg.get("idx")})
            continue
        pieces: list[list[dict]] = []
        for word in words:
            # a word's start is where its voice is: Whisper stretches a last word's end
            # into the pause after it, which can belong to the next speaker's turn
            who = _speaker_at(turns_, word["start"], word["start"] + min(0.4, max(word["end"] - word["start"], 0.01)))
            if pieces and pieces[-1][0]["speaker"] == who:
                pieces[-1].append({**word, "speaker": who})
            else:
                pieces.append([{**word, "speaker": who}])
        # a piece too short to be a turn of its own joins its neighbour
        def too_short(piece: list[dict]) -> bool:  # a word on the boundary, not a turn
            seconds = piece[-1]["end"] - piece[0]["start"]
            return seconds < min_piece_seconds or (len(piece) == 1 and seconds < 2 * min_piece_seconds)

        merged: list[list[dict]] = []
        for piece in pieces:
            if merged and (too_short(piece) or too_short(merged[-1])):
                keep = merged[-1] if len(merged[-1]) >= len(piece) else piece
                merged[-1] = [{**w, "speaker": keep[0]["speaker"]} for w in merged[-1] + piece]
            else:
                merged.append(piece)
        for piece in merged:
            out.append({"start": piece[0]["start"] if len(merged) > 1 else seg["start"],
                        "end": piece[-1]["end"] if len(merged) > 1 else seg["end"],
                        "text": "".join(w["word"] for w in piece).strip(),
                        "words": [{k: v for k, v in w.items() if k != "speaker"} for w in piece],
                        "speaker": piece[0]["speaker"], "source": seg.get("idx")})
    return out


def stage_result(found: Diarization, segments: list[dict]) -> dict:
    """What the speaker stage stores: the segments with speakers "1", "2", … (cut where a
    turn changes), each speaker's speaking time and voice print, and the turns."""
    labelled = [{**s, "speaker": None if s["speaker"] is None else str(s["speaker"] + 1)}
                for s in label_segments(segments, found.turns)]
    return {"segments": labelled,
            "speakers": [{"key": str(s + 1), "seconds": round(found.seconds.get(s, 0.0), 2),
                          "print": [round(float(x), 5) for x in p]} for s, p in sorted(found.prints.items())],
            "turns": [[t.start, t.end, str(t.speaker + 1)] for t in found.turns]}
