#!/usr/bin/env bash
# Runs ON a lab node (lab.sh push-sample pipes it to `bash -s -- REGISTRY`): makes the lab's sample
# workload image from the node's own files, pushes it to the lab registry and prints the reference
# pinned by the digest the registry computed:
#   gnh-registry:5000/gnh/sleep@sha256:<64 hex>
#
# The image holds sleep and id with the libraries they load (a workload that idles, and a way to
# ask it who it runs as). `docker import` gives an image without a repo digest; only a push gives
# one, and only a pull by that digest proves what runs is what was pushed.
set -euo pipefail

registry="${1:?usage: push-sample.sh REGISTRY_HOST:PORT}"
repo="$registry/gnh/sleep"
tag="$repo:1"

if ! docker image inspect "$tag" >/dev/null 2>&1; then
  files=$(for bin in /usr/bin/sleep /usr/bin/id; do
    printf '%s\n' "$bin"
    ldd "$bin" | grep -o '/[^ ]*'
  done | sort -u | sed 's|^/||')
  # shellcheck disable=SC2086 # one path per word
  tar -C / -ch $files | docker import - "$tag" >/dev/null
fi
docker push --quiet "$tag" >&2
docker image inspect -f '{{range .RepoDigests}}{{println .}}{{end}}' "$tag" | grep -m1 "^$repo@sha256:"
