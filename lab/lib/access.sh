# shellcheck shell=bash
# shellcheck disable=SC2034 # sets globals that the other parts of lab.sh read
# lab/lab.sh, nodes reached the way real fleets reach them (issue #20): sourced by lab/lab.sh.
#   gnh-sudo    sshd refuses root; user gnh has passwordless sudo (user nosudo has none)
#   gnh-cert    host key signed by the lab's host CA; root logs in with a user certificate only
#   gnh-jumped  no published port: reachable only through gnh-bastion
#   gnh-bastion sshd only (no systemd, no Docker), the one published port in front of gnh-jumped

BASTION_NAME=gnh-bastion
BASTION_PORT=22290
BASTION_KEY="$LAB_DIR/id_bastion"
CA_DIR="$LAB_DIR/ca"
HOST_CA="$CA_DIR/host_ca"
USER_CA="$CA_DIR/user_ca"
# ssh's default certificate file for $KEY: picked up with the key
USER_CERT="$KEY-cert.pub"
SUDO_USER_NAME=gnh

# "name port variant" for the access nodes; port 0: not published.
access_nodes() {
  [ "${CFG_ACCESS:-0}" = 1 ] || return 0
  printf 'gnh-sudo 22297 sudo\ngnh-cert 22298 cert\ngnh-jumped 0 jumped\n'
}

ensure_access_keys() {
  [ "${CFG_ACCESS:-0}" = 1 ] || return 0
  mkdir -p "$CA_DIR"
  [ -f "$HOST_CA" ] || ssh-keygen -q -t ed25519 -N '' -C gnh-lab-host-ca -f "$HOST_CA"
  [ -f "$USER_CA" ] || ssh-keygen -q -t ed25519 -N '' -C gnh-lab-user-ca -f "$USER_CA"
  [ -f "$BASTION_KEY" ] || ssh-keygen -q -t ed25519 -N '' -C gnh-lab-bastion-client -f "$BASTION_KEY"
  chmod 0600 "$BASTION_KEY"
  # the client's certificate: root on the cert node, signed anew when the key or CA changed
  if [ ! -f "$USER_CERT" ] || ! ssh-keygen -L -f "$USER_CERT" | grep -q "Signing CA: ED25519 $(ssh-keygen -l -f "$USER_CA.pub" | cut -d' ' -f2)"; then
    ssh-keygen -q -s "$USER_CA" -I gnh-lab-client -n root -V -5m:+3650d "$KEY.pub"
  fi
  ensure_host_key "$BASTION_NAME"
}

# The host certificate for NAME's host key, naming how the lab reaches it as principals.
host_certificate() {
  local name="$1" key
  key=$(host_key_file "$name")
  if [ ! -f "$key-cert.pub" ] || [ "$key.pub" -nt "$key-cert.pub" ]; then
    ssh-keygen -q -s "$HOST_CA" -h -I "$name" -n "127.0.0.1,$name" -V -5m:+3650d "$key.pub"
  fi
  printf '%s\n' "$key-cert.pub"
}

# Staged files for the access variants (lab/lib/nodes.sh stage_node_files calls this).
stage_access_files() {
  local name="$1" variant="$2" dir="$3"
  case "$variant" in
    sudo)
      install -d -m 0755 "$dir/etc/ssh/sshd_config.d" "$dir/etc/sudoers.d"
      # sorted before 10-gnh-lab.conf: sshd takes the first value it reads
      printf 'PermitRootLogin no\n' >"$dir/etc/ssh/sshd_config.d/05-gnh-lab-no-root.conf"
      printf '%s ALL=(ALL:ALL) NOPASSWD: ALL\n' "$SUDO_USER_NAME" >"$dir/etc/sudoers.d/gnh-lab"
      chmod 0440 "$dir/etc/sudoers.d/gnh-lab"
      install -d -m 0755 "$dir/home/$SUDO_USER_NAME/.ssh" "$dir/home/nosudo/.ssh"
      install -m 0644 "$KEY.pub" "$dir/home/$SUDO_USER_NAME/.ssh/authorized_keys"
      install -m 0644 "$KEY.pub" "$dir/home/nosudo/.ssh/authorized_keys"
      # the docker provider's ssh runs `docker system dial-stdio` as gnh: docker group on this node only
      install -d -m 0755 "$dir/etc/systemd/system/ssh.service.d"
      printf '[Service]\nExecStartPre=/usr/sbin/usermod --append --groups docker %s\n' "$SUDO_USER_NAME" \
        >"$dir/etc/systemd/system/ssh.service.d/10-gnh-lab-docker-group.conf"
      ;;
    cert)
      install -d -m 0755 "$dir/etc/ssh/sshd_config.d"
      install -m 0644 "$(host_certificate "$name")" "$dir/etc/ssh/ssh_host_ed25519_key-cert.pub"
      install -m 0644 "$USER_CA.pub" "$dir/etc/ssh/gnh_lab_user_ca.pub"
      printf 'HostCertificate /etc/ssh/ssh_host_ed25519_key-cert.pub\nTrustedUserCAKeys /etc/ssh/gnh_lab_user_ca.pub\nAuthorizedKeysFile none\n' \
        >"$dir/etc/ssh/sshd_config.d/05-gnh-lab-cert.conf"
      ;;
  esac
}

# The bastion: the node image's sshd alone, root with the bastion's own client key.
ensure_bastion() {
  [ "${CFG_ACCESS:-0}" = 1 ] || return 0
  local stage="$LAB_DIR/nodes/$BASTION_NAME/stage" hash
  stage_ssh_identity "$BASTION_NAME" "$BASTION_KEY.pub" "$stage"
  hash=$(stage_hash "$stage")
  if [ "$(container_state "$BASTION_NAME")" != absent ]; then
    if [ "$(container_label "$BASTION_NAME" "$LABEL.image")" = "$IMAGE" ] && [ "$(container_label "$BASTION_NAME" "$LABEL.stage")" = "$hash" ]; then
      docker start "$BASTION_NAME" >/dev/null
      return 0
    fi
    docker rm -f "$BASTION_NAME" >/dev/null
  fi
  if port_in_use "$BASTION_PORT"; then
    die "127.0.0.1:$BASTION_PORT (for $BASTION_NAME) is in use by something that is not the lab; free it and retry"
  fi
  docker create --name "$BASTION_NAME" --hostname "$BASTION_NAME" --network "$NETWORK" \
    --label "$LABEL=1" --label "$LABEL.role=bastion" --label "$LABEL.image=$IMAGE" --label "$LABEL.stage=$hash" \
    -p "127.0.0.1:$BASTION_PORT:22" --restart unless-stopped \
    "$IMAGE" /bin/sh -c 'mkdir -p /run/sshd && exec /usr/sbin/sshd -D -e' >/dev/null
  UP_CREATED+=("container:$BASTION_NAME")
  copy_staged_files "$stage" "$BASTION_NAME"
  docker start "$BASTION_NAME" >/dev/null
}

remove_bastion() {
  docker rm -f "$BASTION_NAME" >/dev/null 2>&1 || true
}

# known_hosts lines beyond one pinned key per node: the cert node's CA, the bastion's key.
access_known_hosts() {
  [ "${CFG_ACCESS:-0}" = 1 ] || return 0
  printf '@cert-authority [127.0.0.1]:22298 %s\n' "$(cut -d' ' -f1,2 <"$HOST_CA.pub")"
  printf '[127.0.0.1]:%s %s\n' "$BASTION_PORT" "$(host_pubkey "$BASTION_NAME")"
}

# ssh_config entries for the access nodes and the bastion (same strict options as the others).
access_ssh_config() {
  local name="$1" port="$2" variant="$3"
  case "$variant" in
    sudo) printf 'Host %s\n  HostName 127.0.0.1\n  Port %s\n  User %s\n' "$name" "$port" "$SUDO_USER_NAME" ;;
    cert) printf 'Host %s\n  HostName 127.0.0.1\n  Port %s\n  User root\n  CertificateFile %s\n' "$name" "$port" "$USER_CERT" ;;
    jumped)
      printf 'Host %s\n  HostName %s\n  Port 22\n  User root\n' "$name" "$name"
      printf '  ProxyCommand ssh -F %s -W %%h:%%p %s\n' "$LAB_DIR/ssh_config" "$BASTION_NAME"
      ;;
    bastion) printf 'Host %s\n  HostName 127.0.0.1\n  Port %s\n  User root\n  IdentityFile %s\n' "$name" "$port" "$BASTION_KEY" ;;
    *) return 1 ;;
  esac
}
