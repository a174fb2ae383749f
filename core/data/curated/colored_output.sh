#!/bin/bash
# Print success, warning and error messages in color when writing to a terminal
set -euo pipefail

if [[ -t 1 ]]; then
  green=$'\e[32m' yellow=$'\e[33m' red=$'\e[31m' reset=$'\e[0m'
else
  green="" yellow="" red="" reset=""
fi

echo "${green}OK${reset}      everything worked"
echo "${yellow}WARNING${reset} something looks odd"
echo "${red}ERROR${reset}   something failed"
