"""The translator protocol and the base class both backends fill in (batching by length,
the signature printed beside every number a model made)."""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class Translator(Protocol):
    """Translate a list of texts; the output has the same length and order.

    ``signature`` says what produced the output (model, revision, backend, device,
    decoding settings), so every report can print it beside its numbers.
    """

    @property
    def signature(self) -> dict[str, Any]: ...

    def translate(self, texts: list[str]) -> list[str]: ...


class BaseTranslator:
    """``translate`` written once; a backend fills in ``_translate_batch`` and ``_describe``.

    Blank texts come back unchanged without reaching the model, identical texts are
    translated once, and batches are cut from all the texts of the call sorted by their
    length in the model's own tokens (``_token_lengths``), so a batch holds texts of
    about one length and pads little; the order does not depend on the input order, so a
    text's translation does not depend on what it was batched with in another call.
    """

    backend = ""

    def __init__(self, *, num_beams: int, max_length: int, batch_size: int) -> None:
        for name, value in (("num_beams", num_beams), ("max_length", max_length), ("batch_size", batch_size)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{type(self).__name__}: {name} must be a positive integer, got {value!r}")
        self.num_beams = num_beams
        self.max_length = max_length
        self.batch_size = batch_size

    def translate(self, texts: list[str]) -> list[str]:
        if isinstance(texts, str):
            raise TypeError(f"{type(self).__name__}.translate takes a list of strings, got one str")
        unique = sorted({t for t in texts if t.strip()})
        tokens = dict(zip(unique, self._token_lengths(unique))) if unique else {}
        unique.sort(key=lambda t: (tokens[t], t))
        done: dict[str, str] = {}
        for start in range(0, len(unique), self.batch_size):
            batch = unique[start : start + self.batch_size]
            outputs = self._translate_batch(batch)
            if len(outputs) != len(batch):
                raise RuntimeError(f"{type(self).__name__}: {len(batch)} texts in, {len(outputs)} out")
            done.update(zip(batch, outputs))
        return [done.get(t, t) for t in texts]

    @property
    def signature(self) -> dict[str, Any]:
        facts = self._describe()
        return {
            "model": facts.pop("model"),
            "revision": facts.pop("revision"),
            "backend": self.backend,
            **facts,
            "num_beams": self.num_beams,
            "max_length": self.max_length,
            "batch_size": self.batch_size,
        }

    def _describe(self) -> dict[str, Any]:
        """Model, revision, device and library facts of the loaded backend."""
        raise NotImplementedError

    def _translate_batch(self, texts: list[str]) -> list[str]:
        """Translate distinct, non-blank texts (at most ``batch_size``), in order."""
        raise NotImplementedError

    def _token_lengths(self, texts: list[str]) -> list[int]:
        """How many tokens the model sees for each text (what a batch pads to)."""
        raise NotImplementedError


def format_signature(signature: dict[str, Any]) -> str:
    """``model:...|revision:...|backend:...``: one line to print beside scores."""
    return "|".join(f"{key}:{value}" for key, value in signature.items())
