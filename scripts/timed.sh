#!/usr/bin/env bash
# Run a command and append "LABEL: N s" to a file, keeping the command's exit status.
#   scripts/timed.sh LABEL FILE COMMAND...
set -uo pipefail
label=$1 file=$2
shift 2
started=$(date +%s)
"$@"
status=$?
seconds=$(( $(date +%s) - started ))
echo "$label: $((seconds / 60)) min $((seconds % 60)) s$([ $status -ne 0 ] && echo " (GAGAL, kode $status)")" >> "$file"
echo "$label: $((seconds / 60)) min $((seconds % 60)) s" >&2
exit $status
