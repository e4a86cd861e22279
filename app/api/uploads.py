"""Multipart uploads streamed into the data folder as they arrive: never held whole in
memory, never in the system's temp folder, private (a 0700 folder per upload, the file
0600), cut off with ``TooLarge`` as soon as they pass the limit."""

from __future__ import annotations

import os
import re
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from python_multipart.multipart import MultipartParser, parse_options_header

UPLOADS = "uploads"  # under the data folder
DEFAULT_MAX_UPLOAD_BYTES = 2 << 30  # 2 GiB: a day-long meeting in a compressed format fits
MAX_FIELD_BYTES = 64 << 10  # a form field that is not a file (a prompt, a language)


class UploadProblem(Exception):
    """A request body that is not a usable form (said to the client as a 400, naming the
    form field at fault: *param*)."""

    def __init__(self, text: str, param: str = "file"):
        super().__init__(text)
        self.param = param


class TooLarge(UploadProblem):
    """The file passed the limit (a 413)."""


@dataclass
class Form:
    fields: dict[str, list[str]] = field(default_factory=dict)
    files: dict[str, tuple[str, Path]] = field(default_factory=dict)  # field name → (client's name, path)
    folder: Path | None = None

    def value(self, name: str) -> str | None:
        values = self.fields.get(name)
        return values[-1] if values else None

    def values(self, name: str) -> list[str]:
        return self.fields.get(name, [])

    def discard(self) -> None:
        """Remove what was written (a refused request, or a job that joined another's file)."""
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None


def safe_name(name: str) -> str:
    """A client's file name as a plain name in one folder (no path, no control characters);
    the job and its exports are named after it."""
    name = re.sub(r"[\x00-\x1f/\\]", "_", Path(name.replace("\\", "/")).name).strip(" .")
    return name[:200] or "upload"


class _Reader:
    def __init__(self, root: Path, limit: int):
        self.root, self.limit = root, limit
        self.form = Form()
        self.headers: dict[str, str] = {}
        self._field = self._value = b""
        self._name: str | None = None
        self._file = None
        self._size = 0
        self._text = bytearray()

    # the parser's callbacks
    def on_part_begin(self):
        self.headers, self._name, self._file, self._size, self._text = {}, None, None, 0, bytearray()

    def on_header_field(self, data, start, end):
        self._field += data[start:end]

    def on_header_value(self, data, start, end):
        self._value += data[start:end]

    def on_header_end(self):
        self.headers[self._field.decode("latin-1").lower()] = self._value.decode("utf-8", "replace")
        self._field = self._value = b""

    def on_headers_finished(self):
        _, params = parse_options_header(self.headers.get("content-disposition", ""))
        name = params.get(b"name")
        if name is None:
            raise UploadProblem("A part of the form has no name.")
        self._name = name.decode("utf-8", "replace")
        filename = params.get(b"filename")
        if filename is not None:
            if self.form.folder is None:
                self.form.folder = self.root / uuid.uuid4().hex
                self.form.folder.mkdir(mode=0o700, parents=True)
            path = self.form.folder / safe_name(filename.decode("utf-8", "replace"))
            if path.exists() or any(p == path for _, p in self.form.files.values()):
                path = path.with_name(f"{uuid.uuid4().hex[:8]}-{path.name}")
            self._file = open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")
            self.form.files[self._name] = (filename.decode("utf-8", "replace"), path)

    def on_part_data(self, data, start, end):
        self._size += end - start
        if self._file is not None:
            if self._size > self.limit:
                raise TooLarge(f"The file is larger than this server takes ({self.limit // (1 << 20)} MB).")
            self._file.write(data[start:end])
        else:
            if self._size > MAX_FIELD_BYTES:
                raise UploadProblem(f"The form field {self._name} is too long.", param=self._name)
            self._text += data[start:end]

    def on_part_end(self):
        if self._file is not None:
            self._file.close()
            self._file = None
        elif self._name is not None:
            self.form.fields.setdefault(self._name, []).append(self._text.decode("utf-8", "replace"))

    def close(self):
        if self._file is not None:
            self._file.close()


async def read_form(request, root: Path, limit: int = DEFAULT_MAX_UPLOAD_BYTES) -> Form:
    """The request's multipart form, its files written under *root* as they arrive.
    Raises ``UploadProblem`` (or ``TooLarge``) with a sentence, leaving nothing behind."""
    kind, params = parse_options_header(request.headers.get("content-type", ""))
    if kind != b"multipart/form-data" or b"boundary" not in params:
        raise UploadProblem("Send the file as multipart/form-data (a form with a 'file' field).")
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit + (1 << 20):
        raise TooLarge(f"The file is larger than this server takes ({limit // (1 << 20)} MB).")
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    reader = _Reader(root, limit)
    callbacks = {name: getattr(reader, name) for name in (
        "on_part_begin", "on_header_field", "on_header_value", "on_header_end", "on_headers_finished",
        "on_part_data", "on_part_end")}
    parser = MultipartParser(params[b"boundary"], callbacks)
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
    except UploadProblem:
        reader.close()
        reader.form.discard()
        raise
    except Exception as exc:  # a malformed body, a client gone mid-upload
        reader.close()
        reader.form.discard()
        raise UploadProblem(f"The form could not be read: {exc}") from None
    reader.close()
    return reader.form
