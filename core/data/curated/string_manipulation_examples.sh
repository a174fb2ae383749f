#!/bin/bash
# Show common string operations: length, substring, replace, upper and lower case
set -euo pipefail

text="${1:-Hello, Bash World}"

echo "Length:     ${#text}"
echo "First five: ${text:0:5}"
echo "Replaced:   ${text//o/0}"
echo "Uppercase:  ${text^^}"
echo "Lowercase:  ${text,,}"
echo "No spaces:  ${text// /}"
