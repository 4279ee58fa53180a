"""``tqa models pull | list | convert``: getting and listing translation models."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from pipeline.cli.app import (
    fail,
)
from pipeline.cli.options import ConfigOpt, LangOpt, run_config
from pipeline.core.settings import DEFAULT_MODEL


def _router_and_languages(lang: str | None, config: Path | None):  # type: ignore[no-untyped-def]
    from pipeline.core.languages import Router, model_table

    cfg = run_config(config, None, None)
    table = model_table(None, cfg.models)
    router = Router({"zh": DEFAULT_MODEL, **table}, table.get("fallback"))
    langs = [x.strip().lower() for x in (lang or "").split(",") if x.strip()]
    return router, langs, table


def models_pull(
    model: Annotated[
        Optional[str],
        typer.Argument(
            metavar="MODEL",
            help="Hugging Face model id (default: the Chinese model, unless --lang).",
            show_default=False,
        ),
    ] = None,
    lang: LangOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Download models into the Hugging Face cache ($HF_HOME) (needs network; refused when HF_HUB_OFFLINE is set)."""
    from pathlib import Path as _Path

    from pipeline.translate import ModelUnavailable
    from pipeline.translate.models import pull_model

    router, langs, _ = _router_and_languages(lang, config)
    wanted = ([model] if model else []) + [m for x in langs if (m := router.model_for(x))]
    for name in dict.fromkeys(wanted or [DEFAULT_MODEL]):
        if _Path(name).expanduser().is_dir():
            typer.echo(f"{name}: a local folder, nothing to pull")
            continue
        try:
            path = pull_model(name)
        except ModelUnavailable as err:
            raise fail(str(err)) from None
        typer.echo(f"{name}: saved in {path}")


def models_list(
    lang: LangOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Show the model each language would use and whether it is here, then every model in the caches."""
    import re

    from pipeline.translate.models import (
        hf_cache_models,
        language_table,
        list_models,
        models_dir,
    )

    router, langs, table = _router_and_languages(lang, config)
    found = list_models() + hf_cache_models()
    cached = {m["name"] for m in found}
    # zh, the configured languages, those asked for, and those whose default model is cached
    defaults = sorted({m.group(1) for n in cached if (m := re.fullmatch(r"Helsinki-NLP/opus-mt-([a-z]{2,3})-en", n))})
    shown = list(dict.fromkeys(["zh", *(k for k in table if k != "fallback"), *langs, *defaults]))
    for row in language_table(router, shown):
        # a reverse (round-trip) entry such as en-ja is pulled by its model's name, not --lang
        how = f"--lang {row['language']}" if "-" not in row["language"] else row["model"]
        where = row["path"] or f"absent: tqa models pull {how}"
        typer.echo(f"{row['language']:<4} {row['model']:<40} {where}")
    if router.fallback:
        typer.echo(f"{'*':<4} {router.fallback:<40} (fallback for languages without a model)")
    if not found:
        typer.echo(f"no models in {models_dir()} or the Hugging Face cache; get one with `tqa models pull`")
        return
    typer.echo("\nmodels in the caches:")
    for m in found:
        typer.echo(f"{m['name']:<40} {m['backend']:<13} {m['size'] / 1e6:8.1f} MB  {m['path']}")


def models_convert(
    model: Annotated[
        str,
        typer.Argument(metavar="MODEL", help="A model folder or a locally available model id."),
    ] = DEFAULT_MODEL,
    out: Annotated[
        Optional[Path],
        typer.Option(metavar="DIR", help="Output folder (default: the model cache)."),
    ] = None,
    quantization: Annotated[
        str,
        typer.Option(metavar="TYPE", help="int8 (CPU), float16 (GPU), int8_float16, float32."),
    ] = "int8",
) -> None:
    """Convert a Marian model for the fast CTranslate2 backend (`pip install 'tqa\\[ct2]'`)."""
    from pipeline.translate import ModelUnavailable
    from pipeline.translate.ct2 import convert_model

    try:
        path = convert_model(model, out, quantization=quantization)
    except (ModelUnavailable, ValueError) as err:
        raise fail(str(err)) from None
    typer.echo(f"{model}: converted ({quantization}) into {path}; use it with --backend ct2 --model {path}")
