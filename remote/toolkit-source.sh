#!/bin/sh
# gpg_primaries: remote/gpg-primaries.sh, put in front of this script by the loader.
# $1 keyUrl, $2 fingerprint, $3 repo url, $4 keyring path, $5 list path, then package=version pins.
# Exit codes name the failing step; stderr says why. Nothing outside $stage changes before the
# final block, and that block only runs after apt accepted the staged source.
set -eu
key_url=$1 fpr=$2 repo=$3 keyring=$4 list=$5
shift 5
stage=$(mktemp -d /var/tmp/gnh-apt.XXXXXX)
trap 'rm -rf "$stage"' EXIT
chmod 755 "$stage" # apt verifies signatures as the _apt user
export GNUPGHOME="$stage/gnupg"
mkdir -m 700 "$GNUPGHOME"
curl -fsSL --max-time 60 -o "$stage/key.asc" "$key_url" || { echo "cannot download the repository key from $key_url" >&2; exit 10; }
found=$(gpg_primaries "$stage/key.asc" | paste -sd' ' -)
[ -n "$found" ] || { echo "the file at $key_url holds no OpenPGP public key" >&2; exit 11; }
case " $found " in *" $fpr "*) ;; *) echo "the key at $key_url has no primary key with fingerprint $fpr (it has: $found)" >&2; exit 12 ;; esac
gpg --batch --quiet --import "$stage/key.asc" 2>/dev/null
gpg --batch --export "$fpr" > "$stage/keyring.gpg"
kept=$(gpg_primaries "$stage/keyring.gpg" | paste -sd' ' -)
[ "$kept" = "$fpr" ] || { echo "the exported keyring holds $kept, not only $fpr" >&2; exit 13; }
chmod 644 "$stage/keyring.gpg"
printf 'deb [signed-by=%s] %s /\n' "$stage/keyring.gpg" "$repo" > "$stage/staged.list"
if ! apt-get update --error-on=any -o Dir::Etc::sourcelist="$stage/staged.list" -o Dir::Etc::sourceparts=- -o APT::Get::List-Cleanup=0 > "$stage/update.log" 2>&1; then
  echo "apt-get update --error-on=any rejected $repo signed by $fpr:" >&2; grep -E '^(E|W):' "$stage/update.log" | head -n 5 >&2; exit 14
fi
# Fetch and verify the pinned packages against the staged source too: a missing version or a
# package whose hash does not match the signed index stops us here, with /etc/apt untouched.
if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --download-only --allow-downgrades --allow-change-held-packages      -o Dir::Etc::sourcelist="$stage/staged.list" -o Dir::Etc::sourceparts=- "$@" > "$stage/download.log" 2>&1; then
  echo "the pinned packages could not be fetched and verified from $repo:" >&2; grep -E '^E:' "$stage/download.log" | head -n 5 >&2; exit 15
fi
# Proven: install the keyring and the source, then set aside other files naming the same
# repository (apt refuses two entries with different Signed-By for one URL).
install -o root -g root -m 644 "$stage/keyring.gpg" "$keyring.gnh-tmp" || exit 16
mv -f "$keyring.gnh-tmp" "$keyring" || exit 16
printf 'deb [signed-by=%s] %s /\n' "$keyring" "$repo" > "$list.gnh-tmp" || exit 17
chmod 644 "$list.gnh-tmp" || exit 17
mv -f "$list.gnh-tmp" "$list" || exit 17
mkdir -p /etc/apt/.gnh-replaced
for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
  if [ -f "$f" ] && [ "$f" != "$list" ] && grep -qF "$repo" "$f"; then
    mv -f "$f" "/etc/apt/.gnh-replaced/$(basename "$f")" || exit 18
    echo "set aside $f"
  fi
done
