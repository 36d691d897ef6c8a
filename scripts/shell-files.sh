#!/usr/bin/env bash
# Prints, NUL-separated, every tracked shell script of the repository: *.sh files and files whose
# first line is a sh or bash shebang (.ci/run, the provider's launcher, the lab's placeholder CLI).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
git ls-files -z | while IFS= read -r -d '' file; do
  [ -f "$file" ] || continue
  if [[ "$file" == *.sh ]] || head -n 1 -- "$file" | grep -Eq '^#!(/usr/bin/env (ba)?sh|/bin/(ba)?sh)'; then
    printf '%s\0' "$file"
  fi
done
