#!/bin/sh
# Set by the loader (lib/remoteScripts.ts): RUNTIME_CONFIG_PATH. gpg_primaries: remote/gpg-primaries.sh.
# $1 the apt list file, $2 its keyring, then the packages.
list=$1 keyring=$2
shift 2
dpkg-query -W -f '${Package} ${Version} ${db:Status-Abbrev}\n' "$@" 2>/dev/null | sed 's/^/pkg /'
apt-mark showhold 2>/dev/null | sed 's/^/hold /'
printf 'config %s\n' "$(base64 -w0 < "${RUNTIME_CONFIG_PATH}" 2>/dev/null)"
printf 'list %s\n' "$(base64 -w0 < "$list" 2>/dev/null)"
t=$(mktemp -d /tmp/gnh-keyring.XXXXXX) || exit 3
GNUPGHOME="$t" && export GNUPGHOME
printf 'keyring %s\n' "$( [ -f "$keyring" ] && gpg_primaries "$keyring" | paste -sd' ' -)"
rm -rf "$t"
