"""Where models live: resolving a name to a local folder, pulling, listing.

Resolution never touches the network; only ``pull_model`` (``tqa models pull``) does.
Nothing heavy is imported here, so a missing model is reported before torch loads.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

MODELS_ENV = "TQA_MODELS_DIR"
METADATA_FILE = "tqa-model.json"  # id and revision written by pull/convert, read for signatures
HF_WEIGHTS = ("model.safetensors", "pytorch_model.bin", "model.safetensors.index.json", "pytorch_model.bin.index.json")
CT2_WEIGHTS = "model.bin"
CT2_SUFFIX = "--ct2"
# Weights for other frameworks: each is as large as the PyTorch one and useless here.
PULL_IGNORE = ["*.h5", "*.ot", "*.msgpack", "*.onnx", "*.tflite", "*.md", ".gitattributes"]


class ModelUnavailable(Exception):
    """The model is not on this machine; the message says, in one line, how to get it."""


def models_dir() -> Path:
    """``$TQA_MODELS_DIR``, else the user cache (platformdirs when installed)."""
    if env := os.environ.get(MODELS_ENV):
        return Path(env).expanduser()
    try:
        from platformdirs import user_cache_path
    except ImportError:
        return Path.home() / ".cache" / "tqa" / "models"
    return user_cache_path("tqa") / "models"


def cache_name(model_id: str, backend: str = "transformers") -> str:
    """Folder name of a model id in the tqa cache (``org/name`` -> ``org--name``)."""
    return model_id.replace("/", "--") + (CT2_SUFFIX if backend == "ct2" else "")


def model_backend(path: Path) -> str | None:
    """Which backend can load ``path``: ``transformers``, ``ct2``, or None (no weights)."""
    if (path / CT2_WEIGHTS).is_file():
        return "ct2"
    if (path / "config.json").is_file() and any((path / w).is_file() for w in HF_WEIGHTS):
        return "transformers"
    return None


def _looks_like_path(model: str) -> bool:
    # a Hub id is "name" or "org/name"; anything else the user typed is meant as a folder
    return model.startswith((".", "/", "~")) or model.count("/") > 1 or "\\" in model


def _unavailable(model: str, backend: str) -> ModelUnavailable:
    if backend == "ct2":
        try:
            resolve_model(model)
        except ModelUnavailable:
            pass
        else:  # the Marian weights are here: only the conversion is missing
            return ModelUnavailable(
                f"CTranslate2 model for {model} is not converted yet; run `tqa models convert {model}`"
            )
        return ModelUnavailable(
            f"CTranslate2 model for {model} is not available locally; run `tqa models pull {model}` "
            f"then `tqa models convert {model}`, or pass --model DIR"
        )
    return ModelUnavailable(
        f"model {model} is not available locally; run `tqa models pull {model}` or pass --model DIR"
    )


def _hf_snapshot(model_id: str) -> Path | None:
    """The Hugging Face cache's snapshot of ``model_id``, looked up offline."""
    try:
        from huggingface_hub import snapshot_download
    except ImportError:
        return None
    try:
        return Path(snapshot_download(model_id, local_files_only=True))
    except Exception:  # not cached, or not a valid repo id: either way, not here
        return None


def resolve_model(model: str, backend: str = "transformers") -> Path:
    """Map a folder or model id to a local folder that ``backend`` can load, without network.

    Order: an existing folder as is; the tqa cache; the Hugging Face cache.
    """
    folder = Path(model).expanduser()
    if folder.is_dir():
        found = model_backend(folder)
        if found == backend:
            return folder
        if found is None:
            raise ModelUnavailable(
                f"folder {folder} holds no model (no config.json + weights, no CTranslate2 model.bin)"
            )
        if backend == "ct2":
            raise ModelUnavailable(f"folder {folder} is not a CTranslate2 model; run `tqa models convert {folder}`")
        raise ModelUnavailable(f"folder {folder} is a CTranslate2 model; use backend ct2")
    if _looks_like_path(model):
        raise ModelUnavailable(f"model folder {folder} does not exist; pass --model DIR or a model id")
    root = models_dir()
    candidates = [root / cache_name(model, backend)]
    if backend == "ct2":  # a pre-converted CTranslate2 model may be pulled under its own id
        candidates.append(root / cache_name(model))
    for candidate in candidates:
        if candidate.is_dir() and model_backend(candidate) == backend:
            return candidate
    snapshot = _hf_snapshot(model)
    if snapshot is not None and model_backend(snapshot) == backend:
        return snapshot
    raise _unavailable(model, backend)


def _weights_digest(path: Path) -> str | None:
    for name in (CT2_WEIGHTS, *HF_WEIGHTS):
        file = path / name
        if file.is_file():
            sha = hashlib.sha256()
            with file.open("rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    sha.update(block)
            return "sha256:" + sha.hexdigest()[:12]
    return None


def describe_model(path: Path, requested: str | None = None) -> dict[str, Any]:
    """Model id and revision of a resolved folder, for signatures.

    The revision is a commit hash where one is known (written by ``pull_model``, or the
    Hugging Face cache's snapshot name), else a short sha256 of the weights file.
    """
    meta_file = path / METADATA_FILE
    if meta_file.is_file():
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        if meta.get("model") and meta.get("revision"):
            keep = ("model", "revision", "quantization")  # not converted_from: a path differs per machine
            return {key: meta[key] for key in keep if key in meta}
    if path.parent.name == "snapshots" and path.parent.parent.name.startswith("models--"):
        return {"model": path.parent.parent.name[len("models--") :].replace("--", "/"), "revision": path.name}
    model = requested if requested and not Path(requested).expanduser().is_dir() else path.name
    return {"model": model, "revision": _weights_digest(path)}


def write_metadata(path: Path, **fields: Any) -> None:
    (path / METADATA_FILE).write_text(json.dumps(fields, indent=2) + "\n", encoding="utf-8")


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".rstrip(": ")


def replace_folder(tmp: Path, final: Path) -> None:
    """Move a finished ``tmp`` folder to ``final`` (same parent, so the rename is atomic)."""
    if final.exists():  # a previous pull/convert: the new one replaces it
        shutil.rmtree(final)
    tmp.rename(final)


def offline() -> str | None:
    """The environment variable that forbids downloads (HF_HUB_OFFLINE, TRANSFORMERS_OFFLINE), if set."""
    for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        if os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on"):
            return name
    return None


def pull_model(model_id: str, cache_dir: Path | None = None, revision: str | None = None) -> Path:
    """Download ``model_id`` into the Hugging Face cache (``$HF_HOME``/``$HF_HUB_CACHE``, or
    ``cache_dir``), where ``tqa run`` and every other Hugging Face tool find it; shows progress.

    The Hub's cache layout makes a pull safe to interrupt: files land under a temporary name
    and the snapshot holds only complete ones, so a half pull is never taken for a model.
    Refuses at once, with one line, when HF_HUB_OFFLINE or TRANSFORMERS_OFFLINE is set.
    """
    if flag := offline():
        raise ModelUnavailable(
            f"cannot download {model_id}: {flag} is set (offline); unset it to pull, or pass --model DIR"
        )
    try:
        from huggingface_hub import HfApi, snapshot_download
    except ImportError as exc:
        raise ModelUnavailable(
            "huggingface_hub is not installed; `pip install huggingface_hub` to pull models"
        ) from exc
    try:
        info = HfApi().model_info(model_id, revision=revision)
        files = {s.rfilename for s in info.siblings or []}
        ignore = PULL_IGNORE + (["*.bin"] if any(f.endswith(".safetensors") for f in files) else [])
        path = Path(snapshot_download(model_id, revision=info.sha, cache_dir=cache_dir, ignore_patterns=ignore))
    except Exception as exc:
        if type(exc).__name__ == "RepositoryNotFoundError":
            raise ModelUnavailable(f"no model {model_id} on the Hugging Face Hub (or it is private)") from exc
        raise ModelUnavailable(
            f"could not download {model_id} ({_one_line(exc)}); check the network, or copy a model folder and pass --model DIR"
        ) from exc
    return path


def _size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def list_models(cache_dir: Path | None = None) -> list[dict[str, Any]]:
    """The models in the tqa cache: name, path, size in bytes, backend (None: no weights)."""
    root = Path(cache_dir) if cache_dir is not None else models_dir()
    if not root.is_dir():
        return []
    rows = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        meta = describe_model(folder) if (folder / METADATA_FILE).is_file() else {}
        rows.append(
            {
                "name": meta.get("model", folder.name),
                "path": str(folder),
                "size": _size(folder),
                "backend": model_backend(folder),
                "revision": meta.get("revision"),
            }
        )
    return rows


def hf_cache_models() -> list[dict[str, Any]]:
    """Models in the Hugging Face cache that tqa can load: name, path (newest snapshot), size, backend."""
    try:
        from huggingface_hub import scan_cache_dir
    except ImportError:
        return []
    try:
        info = scan_cache_dir()
    except Exception:  # no cache folder yet, or an unreadable one: nothing to list
        return []
    rows = []
    for repo in sorted(info.repos, key=lambda r: r.repo_id):
        if repo.repo_type != "model" or not repo.revisions:
            continue
        newest = max(repo.revisions, key=lambda r: r.last_modified)
        backend = model_backend(Path(newest.snapshot_path))
        if backend is not None:
            rows.append(
                {
                    "name": repo.repo_id,
                    "path": str(newest.snapshot_path),
                    "size": repo.size_on_disk,
                    "backend": backend,
                    "revision": newest.commit_hash,
                }
            )
    return rows


def language_table(router: Any, languages: list[str], backend: str = "transformers") -> list[dict[str, Any]]:
    """For each language: the model ``tqa run`` would use and where it is on this machine (None: absent)."""
    rows = []
    for lang in languages:
        model = router.model_for(lang)
        try:
            path: str | None = str(resolve_model(model, backend))
        except ModelUnavailable:
            path = None
        rows.append({"language": lang, "model": model, "path": path})
    return rows
