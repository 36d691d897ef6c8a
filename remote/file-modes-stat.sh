#!/bin/sh
# Each argument path: "PATH L" for a symlink, "PATH OWNER GROUP MODE" for a file, "PATH -" when absent.
for f in "$@"; do
  if [ -L "$f" ]; then
    printf "%s L\n" "$f"
  elif [ -e "$f" ]; then
    stat -c "%n %U %G %a" "$f"
  else
    printf "%s -\n" "$f"
  fi
done
