"""The original of an English input: finding, loading, language rules, numbers, alignment, pairing.

``files`` finds and loads it, ``zh`` and ``rules`` hold each language's rules, ``numbers``
the number parsing they share, ``align`` the sentence alignment and ``pair`` the pair of
English and original. Nothing here imports ``pipeline.checks``.
"""
