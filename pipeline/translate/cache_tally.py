"""The translation cache's hits and misses per model, for the line a run ends with.

Every model slot of a run (the Chinese model, the other languages', the round trips')
shares one tally, so the line counts every model's lookups, not only the Chinese model's;
a model dropped from the pool and loaded again keeps counting where it was.
"""

from __future__ import annotations

from typing import Any

from pipeline.translate.cache import CacheStats


class CacheTally:
    def __init__(self) -> None:
        self.stats: dict[str, CacheStats] = {}
        self.cache: Any = None  # every slot opens the same cache file

    def count(self, model: str, translator: Any) -> None:
        """Make ``translator`` (a ``CachedTranslator``) count into ``model``'s statistics."""
        translator.stats = self.stats.setdefault(model, translator.stats)
        self.cache = translator.cache

    def line(self) -> str | None:
        """``translation cache MODEL: H hits, M misses; ... (PATH)``, or None when no cached model ran."""
        if self.cache is None:
            return None
        if not self.cache.enabled:
            return f"translation cache off: {self.cache.error}"
        counts = "; ".join(f"{model}: {s.hits} hits, {s.misses} misses" for model, s in self.stats.items())
        return f"translation cache {counts} ({self.cache.path})"
