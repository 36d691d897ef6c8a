#!/bin/sh
# gpg_primaries FILE: the primary key fingerprints in an OpenPGP key file, one per line (the
# caller sets GNUPGHOME to a scratch directory).
gpg_primaries() {
  gpg --batch --with-colons --show-keys "$1" 2>/dev/null | awk -F: '$1=="pub"{p=1;next} $1=="fpr"&&p{print $10;p=0}'
}
