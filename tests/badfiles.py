"""Real bad inputs, made on the spot: each is a way a person's file can be wrong."""

from __future__ import annotations

import random
from pathlib import Path


def video_without_audio(path: Path) -> Path:
    """A real MP4 with one video stream and no audio, encoded with PyAV."""
    import av
    import numpy as np

    with av.open(str(path), "w") as out:
        stream = out.add_stream("mpeg4", rate=10)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for i in range(10):
            frame = av.VideoFrame.from_ndarray(np.full((48, 64, 3), i * 20, dtype=np.uint8), format="rgb24")
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def png_image() -> bytes:
    """A real 8x8 grey PNG, written by hand (zlib and the PNG chunk layout)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes([128] * 8) for _ in range(8))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def make_bad_inputs(folder: Path, corpus: Path) -> dict[str, tuple[Path, str]]:
    """{case: (path, words the error message must contain)}."""
    folder.mkdir(parents=True, exist_ok=True)
    cases = {}
    cases["missing"] = (folder / "not-there.mp3", "not found")
    empty = folder / "empty.wav"
    empty.write_bytes(b"")
    cases["zero-byte"] = (empty, "empty")
    sub = folder / "a-folder.mp3"
    sub.mkdir()
    cases["directory"] = (sub, "folder")
    text = folder / "notes.mp3"
    text.write_text("These are meeting notes, not audio.\n" * 20)
    cases["not-audio"] = (text, "text file, not a recording")
    garbage = folder / "noise.wav"
    # fixed bytes: about 1 in 70 random blobs happens to look like a video or text-art
    # format to FFmpeg (seen in CI), which is its own, different, message
    garbage.write_bytes(random.Random(20261201).randbytes(64 * 1024))
    cases["corrupt"] = (garbage, "not a recognised audio")
    cut = folder / "cut.flac"
    cut.write_bytes((corpus / "jfk.flac").read_bytes()[:400_000])
    cases["truncated"] = (cut, "truncated")
    cases["no-audio"] = (video_without_audio(folder / "silent-film.mp4"), "no audio")
    picture = folder / "holiday.wav"  # a photo saved under a recording's name
    picture.write_bytes(png_image())
    cases["image"] = (picture, "an image")
    locked = folder / "locked.flac"
    locked.write_bytes((corpus / "jfk.flac").read_bytes())
    locked.chmod(0)
    cases["unreadable"] = (locked, "permission denied")
    return cases
