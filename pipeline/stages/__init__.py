"""The stages of one input, as plain functions over plain data, and what they need around them.

``job`` (Job, Prepared, Outcome) · ``prepare`` (load, check, plan) · ``translate`` (a chunk's
translations and retranslations, the models) · ``finish`` (apply, verify, score) and
``in_place`` · ``worker`` (the stages as an engine's workers run them, failures as one line)
· ``manifest`` (what is finished, for ``--resume``) · ``plan``, ``recheck``, ``retranslate``,
``config``, the input lists (``inputs``, ``job_list``) and corpora (``corpus``). Engines
(``pipeline.engines``) decide where each stage runs.
"""
