#!/bin/bash
# Print a summary of the system: OS, kernel, CPU, memory and uptime
set -euo pipefail

echo "Host:    $(hostname)"
echo "OS:      $(. /etc/os-release && echo "$PRETTY_NAME")"
echo "Kernel:  $(uname -r)"
echo "CPU:     $(grep -m 1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //') ($(nproc) cores)"
echo "Memory:  $(free -h | awk '/^Mem:/ { print $3 " used of " $2 }')"
echo "Uptime:  $(uptime -p)"
