"""The original of an English input: finding, loading, language rules, numbers, alignment, pairing.

``files`` finds and loads it, ``zh`` and ``rules`` hold each language's rules, ``numbers``
the number parsing they share, ``align`` the sentence alignment and ``pair`` the pair of
English and original. Nothing here imports ``pipeline.checks``.
"""

# How the notice of an original that does not fit its English starts (``pair.misfit``), so
# that the end of a run can count those documents; here, light to import for the CLI.
MISFIT = "source checks skipped: "
