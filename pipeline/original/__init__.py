"""The original of an English input: finding and loading it (``files``), each language's
rules (``zh``, ``rules``), numbers, the alignment and the pair. Imports nothing from ``checks``."""
