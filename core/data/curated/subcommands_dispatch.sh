#!/bin/bash
# A small tool with start, stop and status subcommands
set -euo pipefail

pid_file="/tmp/mytool.pid"

start() {
  if [[ -f "$pid_file" ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
    echo "Already running"
    return
  fi
  sleep 3600 &
  echo $! > "$pid_file"
  echo "Started with pid $!"
}

stop() {
  if [[ -f "$pid_file" ]]; then
    kill "$(cat "$pid_file")" 2>/dev/null || true
    rm -f "$pid_file"
    echo "Stopped"
  else
    echo "Not running"
  fi
}

status() {
  if [[ -f "$pid_file" ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
    echo "Running (pid $(cat "$pid_file"))"
  else
    echo "Not running"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 {start|stop|status}" >&2; exit 2 ;;
esac
