"""jieba's words as tqa loads them: its prefix dictionary and name tags from tqa's cache folder,
with the same cuts and the same names as jieba's own loading gives."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.original import segment
from tests.support import REPO_ROOT

jieba = pytest.importorskip("jieba")

SENTENCES = [
    "国民党副主席会见王沪宁。",
    "何立峰在北京说，中美经贸关系的本质是互利共赢。",
    "新华社日内瓦1月25日电，联合国秘书长古特雷斯表示关切。",
    "老挝万象的湄公河畔，莱西市代表团参观了鼓面展览。",
    "AT&T的CEO说5G网络将在2023年覆盖90%的城市。",
]


def test_the_prefix_dictionary_is_the_one_jieba_builds():
    freq, total = jieba.Tokenizer.gen_pfdict(jieba.dt.get_dict_file())
    tokenizer = segment.tokenizer()
    assert tokenizer.total == total
    segment.admit("会见王沪宁")
    assert tokenizer.FREQ["王沪宁"] == freq["王沪宁"]
    pending = next(iter(segment._loaded()[1].pairs))  # a character no text held yet: its words not read
    assert not any(len(w) > 1 and w[0] == pending for w in tokenizer.FREQ)
    segment.admit("\n".join(freq))
    assert tokenizer.FREQ == freq
    assert tokenizer is not jieba.dt  # jieba's default tokenizer is left as jieba makes it


def test_names_are_tagged_as_jieba_tags_them_with_its_whole_table():
    import jieba.posseg

    segment.words("预热")  # the tagger tqa builds, before the full one below
    full = jieba.posseg.POSTokenizer(jieba.dt)  # reads every tag of dict.txt
    assert len(full.word_tag_tab) > 300_000
    for text in SENTENCES:
        expected = [(p.word, p.flag if p.flag.startswith(segment.NAME_FLAGS) else "") for p in full.cut(text)]
        assert segment.words(text) == expected
    assert ("王沪宁", "nr") in segment.words(SENTENCES[0])
    assert ("北京", "ns") in segment.words(SENTENCES[1])
    assert ("何立峰", "nr") in segment.words(SENTENCES[1])  # no dictionary word: the tagger's model names it


def _run(code: str, cache: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO_ROOT), "TQA_CACHE_DIR": str(cache)}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False)


def test_cuts_are_the_same_from_a_fresh_cache_a_warm_one_and_jieba_alone(tmp_path: Path):
    ours = (
        "import json; from pipeline.original import segment as s; "
        f"print(json.dumps([[s.cut(t), s.words(t)] for t in {SENTENCES!r}], ensure_ascii=False))"
    )
    first, second = _run(ours, tmp_path / "cache"), _run(ours, tmp_path / "cache")
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    assert sorted(p.name for p in (tmp_path / "cache" / "derived").iterdir()) == [
        "jieba-name-tags.marshal",
        "jieba-prefix-dict.marshal",
    ]
    assert first.stderr == ""  # no "Building prefix dict" lines
    cuts = [c for c, _ in json.loads(first.stdout)]
    assert cuts == [list(jieba.cut(t)) for t in SENTENCES]


def test_a_process_that_imported_jieba_posseg_first_keeps_its_tags():
    code = (
        "import jieba.posseg; from pipeline.original import segment as s; "
        "print(s.words('会见王沪宁。'), len(jieba.posseg.dt.word_tag_tab) > 300000)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[('会见', ''), ('王沪宁', 'nr'), ('。', '')] True"


def test_jiebas_own_tagger_still_has_every_tag_after_tqas_was_built():
    code = (
        "from pipeline.original import segment as s; s.words('会见王沪宁。'); "
        "import jieba.posseg; print(jieba.posseg.lcut('我爱北京天安门，他跑得很快。'))"
    )
    plain = "import jieba.posseg; print(jieba.posseg.lcut('我爱北京天安门，他跑得很快。'))"
    after, alone = (
        subprocess.run([sys.executable, "-c", c], capture_output=True, text=True, check=False) for c in (code, plain)
    )
    assert after.returncode == 0, after.stderr
    assert after.stdout == alone.stdout and "pair('爱', 'v')" in after.stdout
