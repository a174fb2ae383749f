#!/bin/bash
# Calculate the average of numbers given as arguments with two decimals
set -euo pipefail

if (( $# == 0 )); then
  echo "usage: $0 NUMBER..." >&2
  exit 2
fi

sum="$(IFS=+; echo "$*" | bc -l)"
echo "Sum:     $sum"
echo "Average: $(echo "scale=2; $sum / $#" | bc -l)"
