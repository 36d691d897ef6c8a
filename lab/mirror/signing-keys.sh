# shellcheck shell=bash
# lab/mirror/build-repo.sh, the two signing keys (made once per lab, never served): sourced by build-repo.sh, which sets the globals.

make_key() {
  local home="$1" name="$2"
  mkdir -p "${home}"
  chmod 0700 "${KEY_DIR}" "${home}"
  if [[ -n "$(GNUPGHOME="${home}" gpg --batch --list-secret-keys --with-colons 2>/dev/null | grep '^sec:' || true)" ]]; then
    return 0
  fi
  log "generating key '${name}' in ${home} (RSA-3072 certify-only primary + signing subkey)"
  GNUPGHOME="${home}" gpg --batch --quiet --gen-key <<EOF
%no-protection
Key-Type: RSA
Key-Length: 3072
Key-Usage: cert
Subkey-Type: RSA
Subkey-Length: 3072
Subkey-Usage: sign
Name-Real: ${name}
Name-Email: gnh-mirror@lab.invalid
Expire-Date: 0
%commit
EOF
}
primary_fpr() {
  GNUPGHOME="$1" gpg --batch --with-colons --list-keys 2>/dev/null \
    | awk -F: '$1=="pub"{p=1;next} p&&$1=="fpr"{print toupper($10); exit}'
}
stop_agents() {
  local h
  for h in "${KEY_DIR}/gnupg-good" "${KEY_DIR}/gnupg-foreign"; do
    if [[ -d "${h}" ]]; then
      GNUPGHOME="${h}" gpgconf --kill gpg-agent >/dev/null 2>&1 || true
    fi
  done
}
