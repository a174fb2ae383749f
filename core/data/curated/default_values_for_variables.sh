#!/bin/bash
# Use environment variables with sensible defaults
set -euo pipefail

host="${APP_HOST:-127.0.0.1}"
port="${APP_PORT:-8080}"
workers="${APP_WORKERS:-$(nproc)}"
log_level="${LOG_LEVEL:-info}"

echo "Starting on $host:$port with $workers workers (log level $log_level)"
