#!/bin/bash
# List running Docker containers with their status and ports
set -euo pipefail

docker ps --format 'table {{.Names}}\t{{.Status}}\t{{.Ports}}'
