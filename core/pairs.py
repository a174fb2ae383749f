"""Following an English request: (description, command) pairs, held out and scored.

The product claims that the bilingual model turns an English request into the right command. On a
pair, the description goes through the same bash template as the playground, and the answer is
scored by (a) whether its first command word is the reference utility and (b) token overlap (F1)
with the reference command. The project's own held-out pairs are the tldr examples whose
documents fall in the validation side of the corpus split — the very split `build_corpus` uses —
so no evaluated pair was ever trained on.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from core.checkpoint import Checkpoint
from core.data.corpus import clean_document, is_validation
from core.errors import UserError
from core.evaluation import first_command_word, token_overlap
from core.generation import GenerationSettings, generate


@dataclass(frozen=True)
class Pair:
    nl: str
    cmd: str


@dataclass
class PairResult:
    nl: str
    reference: str
    output: str
    utility_match: bool
    overlap: float


def read_pairs(path: str | Path) -> list[Pair]:
    """Lines of `{"nl": "<English request>", "cmd": "<reference command>"}`."""
    path = Path(path)
    if not path.exists():
        raise UserError(f"pairs file not found: {path}")
    pairs = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            pairs.append(Pair(nl=str(record["nl"]).strip(), cmd=str(record["cmd"]).strip()))
        except (ValueError, KeyError, TypeError):
            raise UserError(f"{path}:{number}: expected a JSON object with \"nl\" and \"cmd\"") from None
    if not pairs:
        raise UserError(f"{path} holds no pairs")
    return pairs


def heldout_tldr_pairs(folder: str | Path, val_fraction: float = 0.05, max_pairs: int | None = None) -> list[Pair]:
    """tldr examples on the validation side of the corpus split, in page order."""
    from core.data.tldr import tldr_examples, to_bash_document

    pairs = []
    for example in tldr_examples(folder):
        if is_validation(clean_document(to_bash_document(example)), val_fraction):
            pairs.append(Pair(nl=example.description, cmd=example.command))
            if max_pairs and len(pairs) >= max_pairs:
                break
    return pairs


def answer_command(completion: str) -> str:
    """The command line that answers the request: the first line that is not blank, a comment or a
    `set` option (a reference is one command line, so the rest of a script is not scored)."""
    for line in completion.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and not stripped.startswith("set -"):
            return stripped
    return ""


def score_answers(pairs: Sequence[Pair], answers: Sequence[str]) -> tuple[dict[str, float], list[PairResult]]:
    """Utility accuracy and mean token overlap of `answers` against the pairs' references."""
    results = [PairResult(nl=pair.nl, reference=pair.cmd, output=answer,
                          utility_match=first_command_word(answer) == first_command_word(pair.cmd),
                          overlap=token_overlap(answer, pair.cmd))
               for pair, answer in zip(pairs, answers, strict=True)]
    count = max(len(results), 1)
    summary = {"pairs": len(results),
               "utility_accuracy": round(sum(r.utility_match for r in results) / count, 4),
               "token_overlap": round(sum(r.overlap for r in results) / count, 4)}
    return summary, results


def score_pairs(checkpoint: Checkpoint, pairs: Sequence[Pair], settings: GenerationSettings | None = None
                ) -> tuple[dict[str, float], list[PairResult]]:
    """Answer each request with the bash template (greedy unless told otherwise) and score it."""
    settings = settings or GenerationSettings(max_new_tokens=48, temperature=0.0)
    answers = [answer_command(generate(checkpoint, pair.nl, settings).completion) for pair in pairs]
    return score_answers(pairs, answers)


def write_pair_outputs(results: Sequence[PairResult], path: Path) -> None:
    path.write_text("".join(json.dumps(asdict(r), ensure_ascii=False) + "\n" for r in results),
                    encoding="utf-8")
