#!/bin/bash
# Move files in the Downloads folder into subfolders by file type
set -euo pipefail

downloads="${1:-$HOME/Downloads}"
cd "$downloads"

for file in *; do
  [[ -f "$file" ]] || continue
  case "${file,,}" in
    *.pdf|*.doc|*.docx|*.txt) folder=Documents ;;
    *.jpg|*.jpeg|*.png|*.gif) folder=Images ;;
    *.mp3|*.wav|*.flac) folder=Music ;;
    *.mp4|*.mkv|*.avi) folder=Videos ;;
    *.zip|*.tar|*.gz|*.7z) folder=Archives ;;
    *) folder=Other ;;
  esac
  mkdir -p "$folder"
  mv -n -- "$file" "$folder/"
done
