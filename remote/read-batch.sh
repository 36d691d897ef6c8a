#!/bin/sh
# Several of our read-only scripts in one SSH round trip (a refresh reads every resource of a node
# at once). Arguments, per part: SCRIPT COUNT ARG1 .. ARGCOUNT. The parts run side by side; then,
# per part in order: a line "gnh-part INDEX EXIT OUTBYTES ERRBYTES", OUTBYTES of its stdout and
# ERRBYTES of its stderr. Framed by length, so a part's output can hold anything.
set -u
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT

# INDEX SCRIPT COUNT ARG...: the part's own COUNT arguments, passed on as they came
run_part() {
  index=$1 script=$2 count=$3
  shift 3
  k=0
  for arg do
    shift
    if [ "$k" -lt "$count" ]; then set -- "$@" "$arg"; fi
    k=$((k + 1))
  done
  sh -c "$script" gnh "$@" > "$dir/$index.out" 2> "$dir/$index.err" < /dev/null
  echo "$?" > "$dir/$index.code"
}

parts=0
while [ $# -ge 2 ]; do
  run_part "$parts" "$@" &
  count=$2
  shift 2
  if [ "$#" -lt "$count" ]; then
    echo "read-batch: part $parts names $count arguments and has $#" >&2
    exit 2
  fi
  shift "$count"
  parts=$((parts + 1))
done
wait
index=0
while [ "$index" -lt "$parts" ]; do
  printf 'gnh-part %s %s %s %s\n' "$index" "$(cat "$dir/$index.code")" "$(($(wc -c < "$dir/$index.out")))" "$(($(wc -c < "$dir/$index.err")))"
  cat "$dir/$index.out" "$dir/$index.err"
  index=$((index + 1))
done
