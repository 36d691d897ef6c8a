#!/usr/bin/env bash
# The lab registry's TLS: a CA of this lab's own and a server certificate it signs for the
# registry's name on the lab network. Idempotent: an existing CA is kept (nodes trust it), and the
# server certificate is re-issued only when it is missing, not signed by that CA, expires within
# 30 days, or does not name HOST.
#
#   bash lab/registry/tls.sh DIR HOST
#     DIR/ca/ca.crt      the CA certificate: what nodes put in /etc/docker/certs.d/<HOST:port>/ca.crt
#     DIR/ca/ca.key      the CA's private key (0600; never leaves DIR)
#     DIR/tls/tls.crt    the server certificate (subjectAltName DNS:HOST), mounted into the registry
#     DIR/tls/tls.key    its private key (0600)
set -euo pipefail

dir="${1:?usage: tls.sh DIR HOST}"
host="${2:?usage: tls.sh DIR HOST}"
ca_dir="$dir/ca"
tls_dir="$dir/tls"
DAYS=825

umask 077
mkdir -p "$ca_dir" "$tls_dir"

if [ ! -s "$ca_dir/ca.crt" ] || [ ! -s "$ca_dir/ca.key" ]; then
  # A name of its own per lab, so two labs' CAs are never confused.
  openssl req -x509 -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
    -keyout "$ca_dir/ca.key" -out "$ca_dir/ca.crt" -days "$DAYS" -sha256 \
    -subj "/CN=gnh lab registry CA $(openssl rand -hex 4)" \
    -addext basicConstraints=critical,CA:TRUE,pathlen:0 \
    -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
  rm -f "$tls_dir/tls.crt"
fi
chmod 0644 "$ca_dir/ca.crt"

server_cert_ok() {
  [ -s "$tls_dir/tls.crt" ] && [ -s "$tls_dir/tls.key" ] &&
    openssl verify -CAfile "$ca_dir/ca.crt" -purpose sslserver "$tls_dir/tls.crt" >/dev/null 2>&1 &&
    openssl x509 -in "$tls_dir/tls.crt" -noout -checkend $((30 * 86400)) >/dev/null &&
    openssl x509 -in "$tls_dir/tls.crt" -noout -checkhost "$host" | grep -q 'does match'
}

if ! server_cert_ok; then
  openssl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
    -keyout "$tls_dir/tls.key" -out "$tls_dir/tls.csr" -subj "/CN=$host" 2>/dev/null
  openssl x509 -req -in "$tls_dir/tls.csr" -CA "$ca_dir/ca.crt" -CAkey "$ca_dir/ca.key" \
    -CAcreateserial -out "$tls_dir/tls.crt" -days "$DAYS" -sha256 \
    -extfile <(printf '%s\n' \
      "subjectAltName=DNS:$host" \
      'basicConstraints=critical,CA:FALSE' \
      'keyUsage=critical,digitalSignature' \
      'extendedKeyUsage=serverAuth') 2>/dev/null
  rm -f "$tls_dir/tls.csr" "$ca_dir/ca.srl"
  server_cert_ok || { echo "tls.sh: the new server certificate does not verify" >&2; exit 1; }
fi
chmod 0644 "$tls_dir/tls.crt"
