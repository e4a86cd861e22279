"""Checks that a file can be transcribed, and decodes it to 16 kHz mono.

Every way a person can hand us a bad file ends here as a ``BadMediaError`` with
a sentence that says what is wrong, before any model time is spent on it.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass

from workers.errors import BadMediaError, TransientError
from workers.messages import say

SAMPLE_RATE = 16000
# Decoded audio shorter than this share of the header's duration means the file
# was cut off (an interrupted copy or download).
TRUNCATED_BELOW = 0.9


@dataclass(frozen=True)
class MediaInfo:
    path: str
    size_bytes: int
    duration_seconds: float | None
    audio_codec: str
    container: str


def check_file(path: str) -> int:
    """Fail clearly unless *path* is a readable, non-empty regular file; return its size."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise BadMediaError(say("file-not-found", path=path)) from None
    except PermissionError:
        raise BadMediaError(say("cannot-open", path=path)) from None
    except OSError as exc:
        raise _os_error(path, exc) from None
    if stat.S_ISDIR(st.st_mode):
        raise BadMediaError(say("folder-not-file", path=path))
    if not stat.S_ISREG(st.st_mode):
        raise BadMediaError(say("not-regular-file", path=path))
    if st.st_size == 0:
        raise BadMediaError(say("empty-file", path=path))
    try:
        with open(path, "rb") as fh:
            fh.read(1)
    except PermissionError:
        raise BadMediaError(say("cannot-read", path=path)) from None
    except OSError as exc:
        raise _os_error(path, exc) from None
    return st.st_size


def _os_error(path: str, exc: OSError) -> Exception:
    # A stalled network share or a busy disk may come back; anything else will not.
    if exc.errno in (errno.EAGAIN, errno.EBUSY, errno.ETIMEDOUT, errno.EINTR):
        return TransientError(say("read-failed-now", why=str(exc.strerror), path=path))
    return BadMediaError(say("read-failed", why=str(exc.strerror), path=path))


# What a folder's files are taken as recordings by (a file named on its own is always tried).
MEDIA_SUFFIXES = frozenset(
    ".mp3 .wav .flac .m4a .aac .ogg .oga .opus .wma .aif .aiff .amr .caf .mka .weba .webm .mp4 .m4v .mov "
    ".mkv .avi .wmv .flv .mpg .mpeg .3gp .ts .mts .m2ts .wv .ape .ac3 .dts".split())
# FFmpeg opens a text file as 'tty' (ANSI art: a "video" stream) when it looks like one.
TEXT_CODECS = frozenset({"ansi", "bintext", "xbin", "idf", "text", "subrip", "webvtt", "ass", "mov_text"})


# FFmpeg reads a still image as a one-frame "video" (png_pipe, jpeg_pipe, image2, gif …).
IMAGE_FORMATS = frozenset({"image2", "gif", "apng", "webp", "ico", "bmp_pipe", "tiff_pipe"})


def is_media_name(path: str) -> bool:
    return os.path.splitext(path)[1].lower() in MEDIA_SUFFIXES


def hash_file(path: str, chunk_bytes: int = 1 << 20) -> str:
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk_bytes):
            digest.update(block)
    return digest.hexdigest()


def check_unchanged(path: str, expected_hash: str | None) -> None:
    """The file must still be what was added: a file replaced while it waited in the queue
    would otherwise be transcribed and stored under the old content's hash, and a copy of
    the old content answered from the cache with the wrong words."""
    if not expected_hash:
        return
    check_file(path)
    if hash_file(path) != expected_hash:
        raise BadMediaError(say("file-changed", path=path))


def _looks_like_text(path: str, sample_bytes: int = 4096) -> bool:
    """Printable text (any UTF-8), not random or binary bytes."""
    with open(path, "rb") as fh:
        head = fh.read(sample_bytes)
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the end of the sample
            return False
        text = head[:exc.start].decode("utf-8")
    return bool(text) and sum(c.isprintable() or c in "\n\r\t" for c in text) >= 0.95 * len(text)


def probe(path: str) -> MediaInfo:
    """Open the container and find an audio stream, without decoding it."""
    import av  # PyAV comes with faster-whisper; imported here to keep start-up light

    size = check_file(path)
    try:
        with av.open(path, mode="r", metadata_errors="ignore") as container:
            audio = next(iter(container.streams.audio), None)
            if audio is None:
                codecs = {s.codec_context.name for s in container.streams if s.codec_context}
                if (container.format.name == "tty" and _looks_like_text(path)) or (codecs and codecs <= TEXT_CODECS):
                    raise BadMediaError(say("text-file", path=path))
                if container.format.name == "tty":  # FFmpeg's last resort for bytes it cannot place
                    raise BadMediaError(say("not-media", path=path))
                if container.format.name.endswith("_pipe") or container.format.name in IMAGE_FORMATS:
                    raise BadMediaError(say("image-file", path=path))
                if any(s.type == "video" for s in container.streams):
                    raise BadMediaError(say("video-no-audio", path=path))
                raise BadMediaError(say("no-audio", path=path))
            duration = None
            if audio.duration is not None and audio.time_base is not None:
                duration = float(audio.duration * audio.time_base)
            elif container.duration is not None:
                duration = container.duration / 1_000_000
            return MediaInfo(path, size, duration, audio.codec_context.name,
                             container.format.name)
    except BadMediaError:
        raise
    except av.error.PermissionError:
        raise BadMediaError(say("cannot-read", path=path)) from None
    except (av.error.InvalidDataError, av.error.EOFError, av.error.DecoderNotFoundError,
            ValueError, UnicodeDecodeError):
        if _looks_like_text(path):  # FFmpeg found no format at all in it: notes, a list, a subtitle
            raise BadMediaError(say("text-file", path=path)) from None
        raise BadMediaError(say("not-media", path=path)) from None
    except av.error.FFmpegError as exc:
        raise BadMediaError(say("open-failed", why=str(exc.strerror), path=path)) from None


def decode(path: str, info: MediaInfo):
    """Decode to a float32 16 kHz mono array; fail if the file turns out cut off or empty."""
    import av
    from faster_whisper.audio import decode_audio

    try:
        audio = decode_audio(path, sampling_rate=SAMPLE_RATE)
    except (av.error.InvalidDataError, av.error.EOFError, ValueError):
        raise BadMediaError(say("audio-corrupt", path=path)) from None
    except av.error.FFmpegError as exc:
        raise BadMediaError(say("decode-failed", why=str(exc.strerror), path=path)) from None
    decoded = len(audio) / SAMPLE_RATE
    if decoded == 0:
        raise BadMediaError(say("no-decodable-audio", path=path))
    if info.duration_seconds and decoded < TRUNCATED_BELOW * info.duration_seconds:
        raise BadMediaError(say("truncated", expected=f"{info.duration_seconds:.1f}", decoded=f"{decoded:.1f}",
                                  path=path))
    return audio
