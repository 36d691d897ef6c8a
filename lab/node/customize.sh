#!/usr/bin/env bash
# mmdebstrap customize hook for the lab node image.
# Runs on the controller with the node's root filesystem as $1, after all packages
# are installed. Everything here is part of the image recipe: lab/lab.sh hashes this
# file, so a change here rebuilds the cached image on the next `up`.
set -euo pipefail

root="${1:?usage: customize.sh ROOTFS}"

# sshd: key authentication only, root with a key, one ed25519 host key that the lab
# generates per node on the controller and copies in before the first boot.
install -d -m 0755 "$root/etc/ssh/sshd_config.d"
cat >"$root/etc/ssh/sshd_config.d/10-gnh-lab.conf" <<'EOF'
# gnh lab node: key authentication only.
HostKey /etc/ssh/ssh_host_ed25519_key
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
EOF
chmod 0644 "$root/etc/ssh/sshd_config.d/10-gnh-lab.conf"

# Host keys made by openssh-server's postinst are shared by every container built
# from this image: drop them. Per-node keys are copied in by lab.sh.
rm -f "$root"/etc/ssh/ssh_host_*

# Where lab.sh puts the lab client's public key.
install -d -m 0700 "$root/root/.ssh"

# Accounts for the sudo node (lab/lib/access.sh stages their keys, gnh's sudoers entry and its
# docker group membership there only, so that the other nodes' docker group stays empty, CIS
# 1.1.2): gnh, a fleet's admin account, and nosudo, an account without sudo. '*': no password,
# not locked (key logins work).
chroot "$root" useradd --create-home --shell /bin/bash --password '*' gnh
chroot "$root" useradd --create-home --shell /bin/bash --password '*' nosudo

# A fresh host: Debian's docker.io with no daemon.json (live-restore off).
rm -f "$root/etc/docker/daemon.json"

# Per-container identity is generated at boot.
rm -f "$root/etc/hostname"
: >"$root/etc/machine-id"
rm -f "$root/var/lib/dbus/machine-id"

# Units that have nothing to do in a container.
for unit in console-getty.service getty@.service systemd-firstboot.service \
  e2scrub_reap.service e2scrub_all.timer apt-daily.timer apt-daily-upgrade.timer \
  dpkg-db-backup.timer fstrim.timer; do
  ln -sf /dev/null "$root/etc/systemd/system/$unit"
done

# Keep the image small.
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
