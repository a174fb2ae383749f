#!/bin/bash
# Show error messages from the system journal since the last boot
set -euo pipefail

journalctl -b -p err --no-pager | tail -n "${1:-50}"
