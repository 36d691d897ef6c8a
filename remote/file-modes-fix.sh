#!/bin/sh
# Triples of arguments: PATH OWNER:GROUP-or-"" MODE-or-"".
set -eu
while [ $# -ge 3 ]; do
  [ -z "$2" ] || chown -h "$2" "$1"
  # two leading zeros: GNU chmod keeps a directory's setuid/setgid bits for 3- or 4-digit modes
  [ -z "$3" ] || chmod "00$3" "$1"
  shift 3
done
