"""``negation``: a meaning flipped: a negation on one side of an aligned sentence and none on the other.

Either the Chinese sentence negates (不, 没, 未, 无, 非, 别, 勿, 莫, 否, 难以, 拒绝, 禁止, 缺乏,
缺少) and its English has no negation at all, or the English negates (not, no, never,
without, none, neither, nor, nothing, nobody, nowhere, cannot, n't) and the Chinese has
none. Both sides are read generously before a finding, since a negation is often
rendered by another word: Chinese words that hold a negation character without negating
(不断 continuously, 非常 very, 未来 future, 南非 South Africa, 差不多 about, 坚定不移
steadfast) are not negations, and English that says "no" by its form (unable, impossible, -less, dis-, un-,
lack, fail, refuse, reject, prevent, avoid, hard, too, instead, rather, only) counts as a negation. The
evidence names the negation found and the side that lacks one.
"""

from __future__ import annotations

from collections.abc import Iterable

import regex

from pipeline.checks.base import register_source
from pipeline.checks.source.base import SourceCheck, aligned, where
from pipeline.core.findings import Finding, Severity
from pipeline.original.pair import SourcePair

# Chinese words holding a negation character that do not negate (or whose English need not).
_NOT_NEGATION = regex.compile(
    "不断|不过|不仅|不但|不管|不论|不久|不少|不同|不停|不得不|不禁|无论|无数|非常|未来|毫不|并非|无非|莫名|"
    "不一定|不只|不妨|无疑|非凡|不再|除非|若非|要不|不亚于|不如|不外乎|不然|否则|无限|无比|非得|莫过于|无所谓|"
    "别人|别的|分别|区别|特别|别墅|告别|类别|差别|级别|识别|个别|派别|性别|鉴别|辨别|别处|"
    "差不多|南非|非洲|看不起|不平等|自卑|毋庸|要不要|是不是|有没有|能不能|会不会|可不可以|对不对|好不好|"
    "不可思议|非法|无人机|无线|无形|未成年|与非|不移|不休|不已|不懈|不息|不绝|不止|难以置信"
)
_ZH_NEGATION = regex.compile("不|没|未|无|非|别|勿|莫|否|难以|拒绝|禁止|缺乏|缺少")
# Anything in the Chinese that may carry a negation, a restriction or a question the English renders with "no"
_ZH_NEGATION_LIKE = regex.compile(
    "不|没|未|无|非|别|勿|莫|否|毋|难|拒|禁|缺|免|防|停|止|少|仅|只|才|反|抗|失|弃|忽|除|外|离|脱|去|任何|"
    "从|再|毫|绝|决|岂|何|吗|哪|怎|谁|么"
)
_EN_NEGATION = regex.compile(
    r"(?i)\b(?:not|no|never|without|none|neither|nor|nothing|nobody|nowhere|cannot)\b|n['’]t\b"
)
# English that negates by its form, or renders a Chinese negation without a "not"
_EN_NEGATION_LIKE = regex.compile(
    r"(?i)\b(?:not|no|never|without|none|neither|nor|nothing|nobody|nowhere|cannot|unable|lack\w*|fail\w*|"
    r"refus\w*|impossible|rarely|hardly|barely|instead|absent|free|zero|prevent\w*|stop\w*|avoid\w*|ban\w*|"
    r"forbid\w*|den[iy]\w*|against|beyond|any\w*|dis\w{3,}|\w+less|non\w*|anti\w*|rather|regardless|than|only|"
    r"just|merely|little|few|less|yet|until|still|even|whether|un\w+|ir\w+|il\w+|mis\w+|in(?:capable|complete|"
    r"accurate|adequate|sufficient|effective|visible|dependent|equal)\w*|im(?:possible|proper|mature|balance)\w*|"
    r"despis\w*|belittl\w*|drone\w*|wireless|minor\w*|incredibl\w*|other|reject\w*|declin\w*|hard\w*|"
    r"difficult\w*|insecur\w*|too)\b|n['’]t\b"
)


@register_source
class Negation(SourceCheck):
    id = "negation"
    severity = Severity.MAJOR
    description = "With the original: a negation in the Chinese sentence with none in its English, or the reverse"
    languages = ("zh",)

    def find_pair(self, pair: SourcePair) -> Iterable[Finding]:
        for link, zh, english in aligned(pair):
            evidence = where(link, zh)
            zh_negations = _ZH_NEGATION.findall(_NOT_NEGATION.sub("", zh))
            if zh_negations and not _EN_NEGATION_LIKE.search(english):
                shown = "、".join(dict.fromkeys(zh_negations))
                yield self.finding(
                    link.en_span,
                    f"the Chinese negates ({shown}) and the English does not",
                    evidence={**evidence, "zh_negations": list(dict.fromkeys(zh_negations)), "en_negations": []},
                )
            elif (m := _EN_NEGATION.search(english)) and not _ZH_NEGATION_LIKE.search(zh):
                yield self.finding(
                    link.en_span,
                    f'the English negates ("{m.group()}") and the Chinese does not',
                    evidence={**evidence, "zh_negations": [], "en_negations": [m.group()]},
                )
