#!/bin/bash
# Resume a partially downloaded file
set -euo pipefail

url="${1:?usage: $0 URL}"

curl -fL -C - --retry 5 --retry-delay 3 -O "$url"
