# shellcheck shell=bash
# lab/lab.sh, fleet file: sourced by lab/lab.sh, which defines the settings and log/die.

# The YAML is built by lab/fleetFile.ts with the yaml library and checked with the program's
# parseFleet before it replaces the old file; this passes it the facts.
write_fleet() {
  local name port variant fp
  local args=(--output "$LAB_DIR/fleet.yaml" --pack-config "$LAB_DIR/policy-config.json" --private-key "$KEY" --mirror-url "http://$MIRROR_NAME/good")
  fp=$(mirror_fingerprint)
  if [ -n "$fp" ]; then
    args+=(--fingerprint "$fp")
  fi
  if [ -f "$REGISTRY_CA" ]; then
    args+=(--registry-host "$REGISTRY_HOST" --registry-ca "$REGISTRY_CA")
  fi
  if [ "${CFG_ACCESS:-0}" = 1 ]; then
    args+=(--host-ca "$HOST_CA.pub" --user-cert "$USER_CERT" --bastion "127.0.0.1:$BASTION_PORT:$BASTION_KEY:$(host_key_file "$BASTION_NAME").pub")
  fi
  while read -r name port variant; do
    args+=(--node "$name:$port:$variant:$(host_key_file "$name").pub")
  done < <(desired_nodes)
  (cd "$REPO_ROOT" && node -r ts-node/register/transpile-only lab/fleetFile.ts "${args[@]}") \
    || die "could not write the lab's fleet file (see above)"
}
