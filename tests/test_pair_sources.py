"""The bash document format, the registry of source kinds and pair sources' held-out sides."""
import json

import pytest
from conftest import write_tldr_tools

from core.config import SourceSpec, data_sources, from_dict
from core.data.bashdoc import (
    Pair,
    bash_document,
    pair_document,
    parse_bash_document,
    request_prompt,
    request_prompt_length,
)
from core.data.curated import curated_one_liners, curated_records, curated_scripts
from core.data.sources import SOURCE_KINDS, pair_source_names, sample_pairs, source_pairs, source_records
from core.data.streaming import tiny_codes_document
from core.errors import UserError


def test_document_format_round_trips():
    document = bash_document("list   all\nfiles ", "ls -la\n")
    assert document == "#!/bin/bash\n# list all files\nls -la\n"
    assert parse_bash_document(document) == Pair("list all files", "ls -la")
    assert request_prompt("list all files") == document[:request_prompt_length(document)]
    for text in ("#!/bin/bash\nls\n", "#!/bin/sh\n# x\nls\n", "# x\nls\n", "#!/bin/bash\n# x\n\n", "plain text"):
        assert parse_bash_document(text) is None and request_prompt_length(text) == 0


def test_every_curated_script_and_one_liner_is_a_pair():
    records, scripts = list(curated_records()), curated_scripts()
    assert [document for document, _ in records[:len(scripts)]] == scripts
    assert [pair for _, pair in records[len(scripts):]] == curated_one_liners()
    assert all(pair and pair_document(pair) == document for document, pair in records)
    assert [document for document, _ in curated_records(max_files=2)] == scripts[:2]


def test_tiny_codes_rows_use_the_one_format():
    assert tiny_codes_document("Show disk use. Then more.", "Text\n```bash\n#!/usr/bin/env bash\ndf -h\n```") \
        == "#!/bin/bash\n# Show disk use.\ndf -h\n"
    assert tiny_codes_document("", "```sh\nls\n```") is None


def test_registry_refuses_unknown_kinds_and_foreign_options():
    with pytest.raises(UserError, match="kind must be one of"):
        from_dict(SourceSpec, {"kind": "curatd"}, "datasets.yaml: code.x")
    with pytest.raises(UserError, match="option 'column' does not apply to a tldr source"):
        from_dict(SourceSpec, {"kind": "tldr", "column": "body"}, "datasets.yaml: code.x")
    with pytest.raises(UserError, match="a hub source needs path"):
        from_dict(SourceSpec, {"kind": "hub"}, "datasets.yaml: code.x")
    assert from_dict(SourceSpec, {"kind": "man_names", "path": "/usr/share/man"}, "x").path == "/usr/share/man"


def test_the_named_pair_sources():
    assert set(pair_source_names()) == {"tldr", "curated", "man-examples", "man-names", "tiny-codes"}
    assert all(spec.kind in SOURCE_KINDS for named in data_sources().values() for spec in named.values())


def test_pair_sources_split_like_the_corpus(workspace):
    train, val = source_pairs(workspace, "curated", "train"), source_pairs(workspace, "curated", "val")
    assert train and val and not {p.request for p in train} & {p.request for p in val}
    assert len(train) + len(val) == len(curated_scripts()) + len(curated_one_liners())
    assert source_pairs(workspace, "curated", "val", max_pairs=1) == sample_pairs(val, 1)
    with pytest.raises(UserError, match="holds no"):
        source_pairs(workspace, "installed", "val")
    with pytest.raises(UserError, match="split must be"):
        source_pairs(workspace, "curated", "test")


def test_local_tiny_codes_files_are_a_pair_source(tmp_path, workspace):
    rows = [{"prompt": f"Print number {i}.", "response": f"```bash\necho {i}\n```"} for i in range(3)]
    (tmp_path / "rows.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    spec = SourceSpec(kind="local", path=str(tmp_path / "rows.jsonl"), column="response", format="tiny_codes")
    records = list(source_records(spec, workspace))
    assert records[0] == ("#!/bin/bash\n# Print number 0.\necho 0\n", Pair("Print number 0.", "echo 0"))


def test_tldr_archive_download_is_cached_and_confined(tmp_path, workspace):
    import zipfile

    from core.data.tldr import download_archive

    archive = tmp_path / "tldr.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("pages/common/tar.md", "# tar\n\n> Archiving utility.\n\n- List:\n\n`tar -tf x`\n")
        zipped.writestr("pages.de/common/tar.md", "# tar\n\n> Archivierung.\n")
        zipped.writestr("pages/../../escape.md", "no")
        zipped.writestr("index.json", "{}")
    cache = workspace.root / "cache" / "tldr"
    assert download_archive(cache, archive.as_uri()) == cache
    assert sorted(p.relative_to(cache).as_posix() for p in cache.rglob("*.md")) == ["pages/common/tar.md"]
    archive.unlink()  # a second call reads the cache and needs no network
    assert download_archive(cache, archive.as_uri()) == cache
    with pytest.raises(UserError, match="cannot download the tldr archive"):
        download_archive(tmp_path / "other", (tmp_path / "missing.zip").as_uri())


def test_tldr_source_falls_back_to_the_archive(tmp_path, workspace):
    import dataclasses
    import zipfile

    archive = tmp_path / "tldr.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("pages/linux/apt.md", "# apt\n\n> Package manager.\n\n- Update lists:\n\n`apt update`\n")
    spec = dataclasses.replace(data_sources()["code"]["tldr"], path=str(tmp_path / "absent"), url=archive.as_uri())
    assert [pair for _, pair in source_records(spec, workspace)] == [
        Pair("Update lists", "apt update"), Pair("Package manager", "apt")]


def test_retrieved_examples_stay_beside_their_pair_and_never_show_its_own_answer(tmp_path, workspace):
    from core.data.bashdoc import EXAMPLE_PREFIX
    from core.data.corpus import read_documents
    from core.data.sources import download

    folder = write_tldr_tools(tmp_path / "tldr", tools=40, examples=4)
    plain = download(workspace, "code", "tldr", name="plain", path=folder, show_progress=False)
    augmented = download(workspace, "code", "tldr", name="augmented", path=folder, examples=2, show_progress=False)
    assert augmented.documents == 2 * plain.documents
    for split in ("train", "val"):
        plain_docs = set(read_documents(workspace.corpus_dir("code", "plain"), split))
        documents = list(read_documents(workspace.corpus_dir("code", "augmented"), split))
        with_hints = [d for d in documents if EXAMPLE_PREFIX in d]
        assert set(documents) - set(with_hints) == plain_docs
        for document in with_hints:
            pair = parse_bash_document(document)
            assert pair_document(pair) in plain_docs  # the variant sits on its pair's side
            hints = [line[len(EXAMPLE_PREFIX):] for line in document.splitlines() if line.startswith(EXAMPLE_PREFIX)]
            assert 1 <= len(hints) <= 2 and pair.command not in hints
    with pytest.raises(UserError, match="examples must be between"):
        download(workspace, "code", "tldr", path=folder, examples=11, show_progress=False)


def test_pair_limits_that_mean_nothing_are_refused(workspace):
    from core.data.sources import held_out_and_training

    for max_pairs in (0, -1):
        with pytest.raises(UserError, match="max_pairs must be at least 1"):
            held_out_and_training(workspace, ["curated"], max_pairs=max_pairs)
    held_out, training = held_out_and_training(workspace, ["curated"], max_pairs=1)
    assert len(held_out["curated"]) == 1 and training


def test_runnable_only_keeps_the_pairs_whose_utility_this_machine_has(tmp_path, workspace, monkeypatch):
    from core.data.corpus import read_documents
    from core.data.sources import download

    folder = write_tldr_tools(tmp_path / "tldr", tools=6, examples=3)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("tool1", "tool4"):
        (bin_dir / name).write_text("#!/bin/sh\n")
        (bin_dir / name).chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    manifest = download(workspace, "code", "tldr", name="runnable", path=folder, runnable_only=True,
                        show_progress=False)
    corpus = workspace.corpus_dir("code", "runnable")
    documents = [d for split in ("train", "val") for d in read_documents(corpus, split)]
    utilities = {parse_bash_document(d).command.split()[0] for d in documents}
    assert utilities == {"tool1", "tool4"} and len(documents) == 2 * 4  # 3 examples and the summary each
    assert manifest.rejected["not_runnable_here"] == 4 * 4
    from core.commands import runnable_pairs
    kept, lacking = Pair("do it", "sudo tool4 --now"), Pair("do that", "tool2 --then")
    assert runnable_pairs([lacking, kept]) == [kept]


def test_runnable_only_keeps_everyday_utilities_a_machine_lacks(monkeypatch, tmp_path):
    """A container's PATH misses tools people ask for every day (`ping`, `rsync`, `crontab`): the
    corpus keeps them, the shell's builtins and the user's own scripts, not the rest of what it lacks."""
    from core.commands import everyday_utilities, runnable_here, shell_words, worth_training

    monkeypatch.setenv("PATH", str(tmp_path))  # nothing on it
    assert {"rsync", "ping", "crontab"} <= everyday_utilities() and {"export", "cd", "for", "if"} <= shell_words()
    for command in ("rsync -av src/ dst/", "sudo ping -c 4 example.com", "export PATH=~/bin:$PATH",
                    "nohup ./backup.sh > backup.log 2>&1 &"):
        assert worth_training(command) and not runnable_here(command), command
    assert not worth_training("kubectl get pods") and not worth_training("tool2 --then")
    # a curated script is kept whatever it runs first: a loop, a function, a tool PATH lacks
    assert worth_training('for f in *.log; do\n  gzip "$f"\ndone') and worth_training("log() {\n  kubectl logs\n}\nlog")


def test_a_limited_pair_set_is_spread_over_the_whole_set():
    """tldr's held-out pairs come sorted by page: its first 200 were utilities from `%` to `jo`."""
    pairs = [Pair(f"use tool {letter}{i}", f"{letter}tool --flag {i}") for letter in "abcdefghij" for i in range(30)]
    sampled = sample_pairs(pairs, 50)
    assert len(sampled) == 50 == len(set(sampled)) and set(sampled) <= set(pairs)
    assert {pair.command[0] for pair in sampled} == set("abcdefghij")  # every page, not the first two
    assert sample_pairs(list(reversed(pairs)), 50) == sampled  # the same 50 whatever the set's order
    assert sample_pairs(pairs[:40], 50) == pairs[:40] and sample_pairs(pairs, None) == pairs  # all fit: as is


def test_a_held_out_request_that_training_also_has_is_not_scored(tmp_path, workspace):
    from core.data.sources import held_out_and_training, request_key

    folder = tmp_path / "tldr"
    pages = folder / "pages" / "common"
    pages.mkdir(parents=True)
    for i in range(60):  # every page also answers two requests of the same words: tldr's "Display help"
        (pages / f"tool{i}.md").write_text(
            f"# tool{i}\n\n> Tool number {i}.\n\n- Display help:\n\n`tool{i} --help`\n\n"
            f"- display  HELP.\n\n`tool{i} -h`\n\n- Frobnicate widget {i}:\n\n`tool{i} frob`\n\n")
    every_held_out = source_pairs(workspace, "tldr", "val", path=str(folder))
    trained = {request_key(pair.request) for pair in source_pairs(workspace, "tldr", "train", path=str(folder))}
    assert "display help" in trained and any(request_key(p.request) == "display help" for p in every_held_out)
    held_out, training = held_out_and_training(workspace, ["tldr"], paths={"tldr": str(folder)})
    assert held_out["tldr"] and all(request_key(pair.request) not in trained for pair in held_out["tldr"])
    assert {pair for pair in every_held_out if request_key(pair.request) not in trained} == set(held_out["tldr"])
    assert training == source_pairs(workspace, "tldr", "train", path=str(folder))  # training keeps its twins
