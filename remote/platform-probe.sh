#!/bin/sh
# What the node is, read before our first change (issue #20): /etc/os-release (shell syntax by its
# specification, read in a subshell), the package manager, and which of the Docker packages we
# know of are installed, with their versions. Read-only. One "key value" line each.
set -u
release=/etc/os-release
[ -r "$release" ] || release=/usr/lib/os-release
if [ -r "$release" ]; then
  # shellcheck disable=SC1090 # the node's own os-release
  (. "$release" && printf 'os-id %s\nos-version %s\nos-name %s\n' "${ID:-}" "${VERSION_ID:-}" "${PRETTY_NAME:-${NAME:-}}")
fi
for manager in apt-get dnf yum zypper apk; do
  if command -v "$manager" > /dev/null 2>&1; then
    printf 'package-manager %s\n' "$manager"
    break
  fi
done
if command -v dpkg-query > /dev/null 2>&1; then
  dpkg-query -W -f '${db:Status-Abbrev} ${Package} ${Version}\n' docker.io docker-ce moby-engine containerd containerd.io runc 2> /dev/null |
    while read -r status name version; do
      case "$status" in
        ii*|hi*) printf 'package %s %s\n' "$name" "$version" ;;
      esac
    done
elif command -v rpm > /dev/null 2>&1; then
  rpm -q --qf 'package %{NAME} %{VERSION}-%{RELEASE}\n' docker-ce moby-engine containerd.io 2> /dev/null | grep '^package ' || true
fi
