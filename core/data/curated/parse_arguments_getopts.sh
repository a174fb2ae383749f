#!/bin/bash
# Parse short command-line options with getopts
set -euo pipefail

usage() {
  echo "usage: $0 [-v] [-o OUTPUT] [-n COUNT] FILE" >&2
  exit 2
}

verbose=0
output="out.txt"
count=10
while getopts ":vo:n:h" opt; do
  case "$opt" in
    v) verbose=1 ;;
    o) output="$OPTARG" ;;
    n) count="$OPTARG" ;;
    h) usage ;;
    :) echo "Option -$OPTARG needs a value" >&2; usage ;;
    \?) echo "Unknown option -$OPTARG" >&2; usage ;;
  esac
done
shift $((OPTIND - 1))
(( $# == 1 )) || usage

(( verbose )) && echo "Reading $1, writing $count lines to $output"
head -n "$count" -- "$1" > "$output"
