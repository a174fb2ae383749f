"""Following an English request: (request, command) pairs, held out and scored.

The product claims that the bilingual model turns an English request into the right command. A
pair's request is answered through `core.answering` (the same code as the playground) and the
answer is scored by (a) whether its first command word is the reference's utility and (b) token
overlap (F1) with the reference command. Held-out pairs come from any pair source
(`core.data.sources.source_pairs`: the validation side of the very split the corpus uses, so no
evaluated pair was trained on) or from a JSONL file of requests written in other styles.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from core.data.bashdoc import Pair
from core.errors import UserError
from core.evaluation import first_command_word, token_overlap


@dataclass
class PairResult:
    request: str
    reference: str
    output: str
    utility_match: bool
    overlap: float


def read_pairs(path: str | Path) -> list[Pair]:
    """Lines of `{"nl": "<English request>", "cmd": "<reference command>"}`."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise UserError(f"pairs file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read pairs file {path}: {exc}") from None
    pairs = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            request, command = record["nl"], record["cmd"]
        except (ValueError, KeyError, TypeError):
            raise UserError(f"{path}:{number}: expected a JSON object with \"nl\" and \"cmd\"") from None
        if not isinstance(request, str) or not isinstance(command, str) or not request.strip() or not command.strip():
            raise UserError(f"{path}:{number}: \"nl\" and \"cmd\" must be non-empty strings")
        pairs.append(Pair(request=request.strip(), command=command.strip()))
    if not pairs:
        raise UserError(f"{path} holds no pairs")
    return pairs


def score_answers(pairs: Sequence[Pair], answers: Sequence[str]) -> tuple[dict[str, float], list[PairResult]]:
    """Utility accuracy and mean token overlap of `answers` against the pairs' references."""
    results = []
    for pair, answer in zip(pairs, answers, strict=True):
        utility = first_command_word(pair.command)  # None for a reference that runs nothing
        results.append(PairResult(request=pair.request, reference=pair.command, output=answer,
                                  utility_match=utility is not None and first_command_word(answer) == utility,
                                  overlap=token_overlap(answer, pair.command)))
    count = max(len(results), 1)
    summary = {"pairs": len(results),
               "utility_accuracy": round(sum(r.utility_match for r in results) / count, 4),
               "token_overlap": round(sum(r.overlap for r in results) / count, 4)}
    return summary, results


def paired_comparison(first: Sequence[bool], second: Sequence[bool]) -> dict[str, float]:
    """Two answerers on the same pairs: how many each got right where the other did not, and the
    exact two-sided sign test (McNemar's exact test) of those discordant pairs. The pairs both got
    right or both missed say nothing about which is better, so at 140 requests a gap of a few points
    in accuracy can be chance; this says how likely."""
    from scipy.stats import binomtest

    first_only = sum(a and not b for a, b in zip(first, second, strict=True))
    second_only = sum(b and not a for a, b in zip(first, second, strict=True))
    discordant = first_only + second_only
    p_value = binomtest(first_only, discordant).pvalue if discordant else 1.0
    return {"first_only": first_only, "second_only": second_only, "p_value": round(float(p_value), 4)}


def distinct_matches(pair_sets: Mapping[str, Sequence[Pair]], matches: Mapping[str, Sequence[bool]]
                     ) -> list[bool]:
    """One answerer's utility matches over every distinct pair of all the sets, in a fixed order.
    Sets overlap (tldr's runnable part, the fresh requests' far part), and a pair in two sets is
    one piece of evidence, not two. Pooled, several hundred requests can tell two answerers apart
    where one set of 140 cannot: another training seed alone moves a set by up to 12."""
    pooled: dict[tuple[str, str], bool] = {}
    for name, pairs in pair_sets.items():
        for pair, match in zip(pairs, matches[name], strict=True):
            pooled.setdefault((pair.request, pair.command), match)
    return list(pooled.values())


def score_pairs(answer_all: Callable[[list[str]], Sequence[str | None]], pairs: Sequence[Pair]
                ) -> tuple[dict[str, float], list[PairResult]]:
    """Answer every request in one call of `answer_all` (a model answers many at once faster than
    one at a time) and score; a request too long for the model's context gets no answer (None),
    so it counts as a miss."""
    answers = answer_all([pair.request for pair in pairs])
    return score_answers(pairs, [answer or "" for answer in answers])


def write_pair_outputs(results: Sequence[PairResult], path: Path) -> None:
    path.write_text("".join(json.dumps(asdict(r), ensure_ascii=False) + "\n" for r in results),
                    encoding="utf-8")
