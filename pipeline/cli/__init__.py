"""The ``tqa`` command line (Typer): the app (``app``), shared option types (``options``) and
a module per command group; the commands are registered here, in the order ``--help`` lists them."""

from pipeline.cli import check, models, review, review_server, run, stats
from pipeline.cli.app import app, entry_point, models_app

app.command("check")(check.check)
app.command("checks")(check.list_checks)
app.command("accept")(review.accept)
app.command("run")(run.run)
app.command("apply")(review.apply_decisions)
app.command("review")(review_server.review)
app.command("stats")(stats.stats)
models_app.command("pull")(models.models_pull)
models_app.command("list")(models.models_list)
models_app.command("convert")(models.models_convert)

__all__ = ["app", "entry_point"]
