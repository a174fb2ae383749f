#!/bin/bash
# Search all files under a directory for a word, showing file names and line numbers
set -euo pipefail

word="${1:?usage: $0 WORD [DIR]}"
dir="${2:-.}"

grep -rnI --color=auto -- "$word" "$dir"
