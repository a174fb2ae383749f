#!/bin/bash
# List files that have not been modified for more than 30 days
set -euo pipefail

dir="${1:-.}"
days="${2:-30}"

find "$dir" -type f -mtime +"$days" -printf '%TY-%Tm-%Td  %p\n' | sort
