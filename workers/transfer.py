"""Audio that travels through the broker, for helpers on other machines.

A helper never sees the person's disk: the app puts each chunk's audio in the broker
under its own key (FLAC, lossless: 16 kHz mono, about half the size of 16-bit PCM),
with a time to live, and removes it when the chunk is done. The chunk task takes it
from there when this machine has no decoded copy of its own.

The broker never evicts (``maxmemory-policy noeviction``: a queue must not lose
messages), so audio must not fill it: the app keeps the audio staged at once under
``CAP_BYTES`` and sends a chunk's task only when its audio fits.
"""

from __future__ import annotations

import io
import time

SAMPLE_RATE = 16000
PREFIX = "earmark:audio:"
SIZES = "earmark:audio-sizes"  # key → bytes, for the cap
TTL_SECONDS = 24 * 3600  # a crashed app's leftovers go by themselves
CAP_BYTES = 128 * 1024 * 1024


def key_for(job_id: str, index: int, salt: str = "") -> str:
    """A chunk's audio key. With the app's *salt* it carries a token no one else can
    work out: a helper learns it only from the task it was given."""
    if not salt:
        return f"{PREFIX}{job_id}:{index}"
    import hashlib
    import hmac

    token = hmac.new(salt.encode(), f"{job_id}:{index}".encode(), hashlib.sha256).hexdigest()[:32]
    return f"{PREFIX}{job_id}:{index}:{token}"


def encode(samples) -> bytes:
    """float32 16 kHz mono samples → FLAC bytes."""
    import av
    import numpy as np

    pcm = (np.clip(np.asarray(samples, dtype=np.float32), -1.0, 1.0) * 32767).astype(np.int16)
    out = io.BytesIO()
    with av.open(out, "w", format="flac") as container:
        stream = container.add_stream("flac", rate=SAMPLE_RATE, layout="mono")
        step = SAMPLE_RATE * 10
        for at in range(0, len(pcm), step):
            frame = av.AudioFrame.from_ndarray(pcm[at:at + step].reshape(1, -1), format="s16", layout="mono")
            frame.sample_rate = SAMPLE_RATE
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return out.getvalue()


def decode(data: bytes):
    """FLAC bytes → float32 16 kHz mono samples."""
    from faster_whisper.audio import decode_audio

    return decode_audio(io.BytesIO(data), sampling_rate=SAMPLE_RATE)


def staged_bytes(client) -> int:
    return sum(int(v) for v in client.hvals(SIZES))


def stage(client, job_id: str, index: int, samples, cap: int = CAP_BYTES, salt: str = "") -> int | None:
    """Put a chunk's audio in the broker; its size, or None when it does not fit under
    *cap* beside what is staged already (send it later). Staged before, it stays."""
    key = key_for(job_id, index, salt)
    if client.exists(key):
        client.expire(key, TTL_SECONDS)
        return int(client.hget(SIZES, key) or 0)
    in_use = staged_bytes(client)
    if in_use and in_use + 2 * len(samples) > cap:  # FLAC is never larger than its 16-bit PCM
        return None  # known before encoding: a chunk waiting for room costs nothing per poll
    data = encode(samples)
    pipe = client.pipeline()
    pipe.set(key, data, ex=TTL_SECONDS)
    pipe.hset(SIZES, key, len(data))
    pipe.execute()
    return len(data)


def unstage(client, job_id: str, indexes, salt: str = "") -> None:
    keys = [key_for(job_id, i, salt) for i in indexes]
    if keys:
        pipe = client.pipeline()
        pipe.delete(*keys)
        pipe.hdel(SIZES, *keys)
        pipe.execute()


def fetch(client, key: str) -> tuple[object, dict] | None:
    """A staged chunk's samples and how long it took to fetch and decode, or None when
    the broker does not hold it (removed, or it outlived its time to live)."""
    started = time.monotonic()
    data = client.get(key)
    if data is None:
        return None
    got = time.monotonic()
    samples = decode(data)
    return samples, {"bytes": len(data), "fetch_seconds": round(got - started, 3),
                     "decode_seconds": round(time.monotonic() - got, 3)}
