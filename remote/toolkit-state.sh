#!/bin/sh
# Set by the loader (lib/remoteScripts.ts): RUNTIME_CONFIG_PATH. gpg_primaries: remote/gpg-primaries.sh;
# gnh_toolkit_config: remote/toolkit-config-reading.sh.
# $1 the apt list file, $2 its keyring, then the packages.
list=$1 keyring=$2
shift 2
dpkg-query -W -f '${Package} ${Version} ${db:Status-Abbrev}\n' "$@" 2>/dev/null | sed 's/^/pkg /'
apt-mark showhold 2>/dev/null | sed 's/^/hold /'
t=$(mktemp -d /tmp/gnh-keyring.XXXXXX) || exit 3
# config.toml as the toolkit reads it; a file the toolkit refuses is reported with its message
if ! gnh_toolkit_config "${RUNTIME_CONFIG_PATH}" > "$t/config" 2> "$t/config.err"; then
  printf 'config-error %s\n' "$(head -c 2000 "$t/config.err" | base64 -w0)"
  : > "$t/config"
fi
printf 'config %s\n' "$(base64 -w0 < "$t/config")"
printf 'list %s\n' "$(base64 -w0 < "$list" 2>/dev/null)"
GNUPGHOME="$t" && export GNUPGHOME
printf 'keyring %s\n' "$( [ -f "$keyring" ] && gpg_primaries "$keyring" | paste -sd' ' -)"
rm -rf "$t"
