#!/bin/bash
# Show a simple menu and run the chosen action
set -euo pipefail

PS3="Choose an action: "
options=("Show date" "Show disk usage" "Show uptime" "Quit")

select choice in "${options[@]}"; do
  case "$choice" in
    "Show date") date ;;
    "Show disk usage") df -h / ;;
    "Show uptime") uptime ;;
    "Quit") break ;;
    *) echo "Invalid choice: $REPLY" ;;
  esac
done
