"""Destructive commands are found wherever a shell would run them, and only there."""
import pytest

from core.danger import destructive_parts
from webapp.playground_tab import verdict


@pytest.mark.parametrize("script, expected", [
    ('find . -type f -name "*.py" -print0 | xargs -0 rm -f', ["rm"]),
    ("find /var/log -name '*.log' -mtime +30 -delete", ["find -delete"]),
    ("find /tmp -name '*.tmp' -exec rm {} \\;", ["rm"]),
    ("sudo dd if=ubuntu.iso of=/dev/sdb bs=4M", ["dd"]),
    ("cd build && rm -rf dist; mkdir dist", ["rm"]),
    ("for f in *.bak; do rm \"$f\"; done", ["rm"]),
    ("sudo mkfs.ext4 /dev/sdb1", ["mkfs"]),
    ("timeout 5 shred -u secrets.txt", ["shred"]),
    ("#!/bin/bash\n# clean up\nset -euo pipefail\nrmdir old\n/bin/rm -f x", ["rmdir", "rm"]),
    ("echo 'rm -rf /'", []),
    ("grep -rn rm src", []),
    ("find . -size +100M -exec ls -lh {} \\;", []),
    ("du -ah . | sort -rh | head -n 20", []),
    ("watch -n 5 df -h", []),
    ('echo "unbalanced | rm', ["rm"]),  # a line bash cannot parse is read word by word: it warns
    ("sudo git clean -fdx && rm -f build.log", ["git clean", "rm"]),
    ("git reset --hard HEAD~1", ["git reset --hard"]),
    ("git reset HEAD notes.txt", []),
    ("rsync -av --delete-after src/ /mnt/backup/", ["rsync --delete"]),
    ("rsync -av src/ /mnt/backup/", []),
    ("crontab -r", ["crontab -r"]),
    ("crontab -l", []),
    ("kubectl delete namespace prod", ["kubectl delete"]),
    ("kubectl get pods", []),
    ("docker system prune -af", ["docker prune"]),
    ("docker volume rm data", ["docker rm"]),
    ("docker ps -a", []),
    ("echo 127.0.0.1 web > /etc/hosts", ["> /etc/hosts"]),
    ("ls -l | sort 2> errors.txt", ["> errors.txt"]),
    ("make >/dev/null 2>&1", []),
    ("echo done >> build.log", []),
    ("echo $((3>2))", []),
    ("echo hi | tee out.txt", ["tee"]),
    ('printf "x" | sudo tee /etc/nginx/nginx.conf >/dev/null', ["tee"]),
    ("echo hi | tee -a out.txt", []),
    ("echo hi | tee --append out.txt log.txt", []),
    ("make 2>&1 | tee -ia build.log", []),
    ("make | tee /dev/stderr", []),
    ("make | tee", []),
])
def test_destructive_parts(script, expected):
    assert [name for name, _ in destructive_parts(script)] == expected


def test_the_playground_warns_before_a_destructive_answer():
    warned = verdict("#!/bin/bash\n# list all large files\nfind . -size +100M | xargs rm -f\n", "bash")
    assert warned.startswith("**syntax OK**") and "**⚠ destructive** — `rm` deletes files" in warned
    assert "destructive" not in verdict("#!/bin/bash\n# list all large files\nfind . -size +100M\n", "bash")
    assert verdict("rm -rf /", "raw") == ""
    # an answer of comments alone parses, but there is nothing to run: it is not called valid
    assert verdict("#!/bin/bash\n# list all large files\n", "bash").startswith("**no command**")
    assert verdict("#!/bin/bash\n# list all large files\nset -e\n# done\n", "bash").startswith("**no command**")


def test_a_reranked_answer_that_kept_no_line_says_so_rather_than_minus_infinity():
    from core.answering import Candidate
    from webapp.playground_tab import _candidates_note

    note = _candidates_note([Candidate("-h, --help; Display the file.", "greedy")])
    assert "the greedy line stands" in note and "inf" not in note
    scored = _candidates_note([Candidate("ls -la", "greedy", -0.5), Candidate("ls", "sample", -0.25)])
    assert scored.startswith("candidates the model weighed") and "mean log-prob -0.25" in scored
