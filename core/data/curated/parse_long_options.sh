#!/bin/bash
# Parse long options like --name=value and --verbose by hand
set -euo pipefail

name="world"
verbose=false
positional=()

while (( $# > 0 )); do
  case "$1" in
    --name=*) name="${1#*=}" ;;
    --name) name="${2:?--name needs a value}"; shift ;;
    --verbose|-v) verbose=true ;;
    --help|-h) echo "usage: $0 [--name NAME] [--verbose] [ARGS...]"; exit 0 ;;
    --) shift; positional+=("$@"); break ;;
    -*) echo "Unknown option: $1" >&2; exit 2 ;;
    *) positional+=("$1") ;;
  esac
  shift
done

$verbose && echo "Arguments: ${positional[*]:-none}"
echo "Hello, $name"
