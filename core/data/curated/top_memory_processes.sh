#!/bin/bash
# List the ten processes using the most memory
set -euo pipefail

ps -eo pid,user,%mem,rss,comm --sort=-%mem | head -n 11
