#!/usr/bin/env bash
# Build the lab's signed, NVIDIA-style flat apt repository (and its tampered variants).
#
#   lab/mirror/build-repo.sh OUT_DIR
#
# OUT_DIR is what the mirror container serves at http://gnh-mirror/. Layout:
#   OUT_DIR/good/gpgkey                         ASCII-armored public key (like NVIDIA's /gpgkey)
#   OUT_DIR/good/gpgkey-with-foreign            genuine key + a foreign public key appended
#   OUT_DIR/good/stable/deb/amd64/              *.deb, Packages(.gz), Release, InRelease, Release.gpg
#   OUT_DIR/foreign-signed/stable/deb/amd64/    same content, Release signed by a FOREIGN key
#   OUT_DIR/tampered-deb/stable/deb/amd64/      genuine signature, one .deb modified after signing
#   OUT_DIR/fingerprint                         genuine primary key fingerprint (40 hex, uppercase)
#   OUT_DIR/foreign-fingerprint                 the foreign key's primary fingerprint
#
# Not served (siblings of OUT_DIR by default):
#   $GNH_MIRROR_KEY_DIR   (default OUT_DIR/../mirror-keys)   two GNUPGHOMEs (mode 0700), made once
#   $GNH_MIRROR_BUILD_DIR (default OUT_DIR/../mirror-build)  Go binaries per version, .deb staging
#
# The Go tools are NVIDIA's real code, built from the published module
# github.com/NVIDIA/nvidia-container-toolkit (Go module proxy) with the version stamp that
# upstream's Makefile uses. libnvidia-container1 / libnvidia-container-tools are placeholders
# (the real C library needs a GPU driver); see docs/lab-mirror.md.
#
# Idempotent and cached: binaries are rebuilt only when their recipe changes; the repository
# tree only when one of its inputs (this script, binaries, keys) changes.
set -euo pipefail

SCRIPT_PATH="$(readlink -f "${BASH_SOURCE[0]}")"
SCRIPT_DIR="$(dirname "${SCRIPT_PATH}")"

# 1.17.7: before the CVE-2025-23266 fix; 1.17.8 and 1.18.2: before the CVE-2026-24260 fix (no fix on
# those lines); 1.19.1: the first fixed release; 1.20.2: the project's default pin.
VERSIONS=(1.17.7 1.17.8 1.18.2 1.19.1 1.20.2)
PKG_REVISION=1
MODULE=github.com/NVIDIA/nvidia-container-toolkit
TOOLS=(nvidia-ctk nvidia-container-runtime nvidia-container-runtime-hook nvidia-cdi-hook)
ARCH=amd64
SUITE_PATH=stable/deb/${ARCH}
TAMPERED_PKG=nvidia-container-toolkit-base   # tampered-deb: this .deb gets a byte appended
FLIPPED_PKG=libnvidia-container1             # tampered-deb: this .deb gets its last byte flipped

log() { printf '[build-repo %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

if [[ $# -ne 1 || -z "${1}" ]]; then
  echo "usage: $0 OUT_DIR" >&2
  exit 2
fi
mkdir -p "$1"
OUT_DIR="$(readlink -f "$1")"
PARENT_DIR="$(dirname "${OUT_DIR}")"
BUILD_DIR="${GNH_MIRROR_BUILD_DIR:-${PARENT_DIR}/mirror-build}"
KEY_DIR="${GNH_MIRROR_KEY_DIR:-${PARENT_DIR}/mirror-keys}"
mkdir -p "${BUILD_DIR}"
# One build at a time per build dir (lab.sh and the e2e test may both call this script).
exec 9>"${BUILD_DIR}/.lock"
flock 9
[[ "${KEY_DIR}/" != "${OUT_DIR}/"* ]] || die "key dir ${KEY_DIR} must not be inside the served OUT_DIR"

T0=$(date +%s)
phase_t=${T0}
phase() { local now; now=$(date +%s); log "phase '$1' took $((now - phase_t))s"; phase_t=${now}; }

# --- 0. tools -----------------------------------------------------------------------------------
ensure_tools() {
  local missing=() cmd pkg
  for pair in dpkg-deb:dpkg apt-ftparchive:apt-utils gpg:gnupg gpg-agent:gpg-agent gpgv:gpgv gcc:gcc \
              sha256sum:coreutils gzip:gzip; do
    cmd="${pair%%:*}"; pkg="${pair#*:}"
    command -v "${cmd}" >/dev/null 2>&1 || missing+=("${pkg}")
  done
  [[ -e /usr/include/stdio.h ]] || missing+=(libc6-dev)
  if ((${#missing[@]})); then
    [[ "$(id -u)" == 0 ]] || die "missing packages (${missing[*]}) and not root"
    log "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  if ! command -v go >/dev/null 2>&1; then
    if [[ -x /usr/local/go/bin/go ]]; then
      export PATH="/usr/local/go/bin:${PATH}"
    else
      die "Go toolchain not found (need go >= 1.22 on PATH or in /usr/local/go)"
    fi
  fi
}
ensure_tools
phase tools

# --- 1. NVIDIA's Go tools, per version, cached -------------------------------------------------
# shellcheck source=lab/mirror/go-tools.sh
. "${SCRIPT_DIR}/go-tools.sh"
for v in "${VERSIONS[@]}"; do build_tools "${v}"; done
phase go-build

# --- 2. signing keys (once per lab; never served) -----------------------------------------------
# shellcheck source=lab/mirror/signing-keys.sh
. "${SCRIPT_DIR}/signing-keys.sh"
mkdir -p "${KEY_DIR}"
chmod 0700 "${KEY_DIR}"
trap stop_agents EXIT
GOOD_HOME="${KEY_DIR}/gnupg-good"
FOREIGN_HOME="${KEY_DIR}/gnupg-foreign"
make_key "${GOOD_HOME}" "GNH Lab Mirror (NVIDIA-style test repository signing key)"
make_key "${FOREIGN_HOME}" "GNH Lab FOREIGN key (must NOT be trusted)"
GOOD_FPR="$(primary_fpr "${GOOD_HOME}")"
FOREIGN_FPR="$(primary_fpr "${FOREIGN_HOME}")"
[[ "${GOOD_FPR}" =~ ^[0-9A-F]{40}$ ]] || die "bad fingerprint '${GOOD_FPR}'"
[[ "${FOREIGN_FPR}" =~ ^[0-9A-F]{40}$ ]] || die "bad fingerprint '${FOREIGN_FPR}'"
phase keys

# --- 3. repository inputs hash: skip everything below when nothing changed ----------------------
EXPECTED=(
  fingerprint foreign-fingerprint good/gpgkey good/gpgkey-with-foreign
  "good/${SUITE_PATH}/InRelease" "good/${SUITE_PATH}/Release.gpg" "good/${SUITE_PATH}/Packages.gz"
  "foreign-signed/${SUITE_PATH}/InRelease" "foreign-signed/${SUITE_PATH}/Release.gpg"
  "tampered-deb/${SUITE_PATH}/InRelease" "tampered-deb/${SUITE_PATH}/Release.gpg"
)
inputs_hash() {
  {
    sha256sum "${SCRIPT_PATH}" "${SCRIPT_DIR}/nvidia-container-cli.placeholder" \
      "${SCRIPT_DIR}/go-tools.sh" "${SCRIPT_DIR}/signing-keys.sh" "${SCRIPT_DIR}/deb-packaging.sh"
    for v in "${VERSIONS[@]}"; do (cd "${BUILD_DIR}/bin/${v}" && sha256sum "${TOOLS[@]}" .release-time); done
    printf '%s %s %s\n' "${GOOD_FPR}" "${FOREIGN_FPR}" "${PKG_REVISION}"
  } | sha256sum | cut -d' ' -f1
}
INPUTS="$(inputs_hash)"
STAMP="${BUILD_DIR}/repo.inputs"
up_to_date=1
[[ -f "${STAMP}" && "$(cat "${STAMP}")" == "${INPUTS}" ]] || up_to_date=0
for f in "${EXPECTED[@]}"; do [[ -s "${OUT_DIR}/${f}" ]] || up_to_date=0; done
if ((up_to_date)); then
  log "repository in ${OUT_DIR} is up to date (inputs ${INPUTS:0:12}); total $(( $(date +%s) - T0 ))s"
  exit 0
fi

# --- 4. .deb packages ---------------------------------------------------------------------------
STAGE="${BUILD_DIR}/stage"
rm -rf "${STAGE}"
mkdir -p "${STAGE}/debs"

MAINTAINER="GNH lab mirror <gnh-mirror@lab.invalid>"
HOMEPAGE="https://github.com/NVIDIA/nvidia-container-toolkit"

# shellcheck source=lab/mirror/deb-packaging.sh
. "${SCRIPT_DIR}/deb-packaging.sh"

for ver in "${VERSIONS[@]}"; do
  dver="${ver}-${PKG_REVISION}"
  bindir="${BUILD_DIR}/bin/${ver}"
  mdir="$(module_dir "${ver}")"
  epoch="$(date -d "$(cat "${bindir}/.release-time")" +%s)"
  log "packaging ${dver}"
  # From 1.18 the toolkit requires libnvidia-container-tools at exactly its own version; the
  # placeholders depend on each other the same way, as the real libnvidia-container packages do.
  lib_relation=">="
  if dpkg --compare-versions "${ver}" ge 1.18.0; then lib_relation="="; fi

  # libnvidia-container1 (PLACEHOLDER: the real one is the C library, needs a GPU driver)
  r="${STAGE}/libnvidia-container1_${dver}"
  doc_note "${r}" libnvidia-container1 "Lab placeholder for libnvidia-container1 ${dver}: contains no library.
The real package (built from github.com/NVIDIA/libnvidia-container, C) needs an NVIDIA driver."
  write_control "${r}" libnvidia-container1 "${dver}" \
    "NVIDIA container runtime library (LAB PLACEHOLDER, no library inside)" \
    "Source: libnvidia-container"
  build_deb "${r}" "${epoch}"

  # libnvidia-container-tools (PLACEHOLDER nvidia-container-cli: logs its arguments, exits 0)
  r="${STAGE}/libnvidia-container-tools_${dver}"
  mkdir -p "${r}/usr/bin"
  sed "s/@VERSION@/${ver}/g" "${SCRIPT_DIR}/nvidia-container-cli.placeholder" > "${r}/usr/bin/nvidia-container-cli"
  chmod 0755 "${r}/usr/bin/nvidia-container-cli"
  doc_note "${r}" libnvidia-container-tools "Lab placeholder for libnvidia-container-tools ${dver}.
/usr/bin/nvidia-container-cli is a shell script: it appends one line per call (UTC timestamp and
its arguments) to /var/log/nvidia-container-cli.log and exits 0. It touches no device."
  write_control "${r}" libnvidia-container-tools "${dver}" \
    "NVIDIA container runtime library (command-line tools) (LAB PLACEHOLDER)" \
    "Source: libnvidia-container" "Depends: libnvidia-container1 (${lib_relation} ${dver})"
  build_deb "${r}" "${epoch}"

  # nvidia-container-toolkit-base and nvidia-container-toolkit: NVIDIA's real tools and files,
  # with the relations upstream's packaging/debian/control gives them.
  for pkg in nvidia-container-toolkit-base nvidia-container-toolkit; do
    r="${STAGE}/${pkg}_${dver}"
    install_listed "${mdir}" "${pkg}" "${r}" "${bindir}"
    install -D -m 0644 "${mdir}/packaging/debian/copyright" "${r}/usr/share/doc/${pkg}/copyright"
    fields=("Source: nvidia-container-toolkit")
    for field in Pre-Depends Depends Breaks Replaces; do
      value="$(control_field "${mdir}" "${pkg}" "${field}" "${dver}")"
      [[ -z "${value}" ]] || fields+=("${field}: ${value}")
    done
    write_control "${r}" "${pkg}" "${dver}" "NVIDIA Container Toolkit$([[ ${pkg} == *-base ]] && printf ' Base') (lab rebuild of ${MODULE}@v${ver})" "${fields[@]}"
    install_maint_scripts "${mdir}" "${pkg}" "${r}" "${dver}"
    build_deb "${r}" "${epoch}"
  done
done
phase debs

# --- 5. repository trees --------------------------------------------------------------------------
export_key() { GNUPGHOME="$1" gpg --batch --armor --export "$2"; }

# make_index DIR: Packages, Packages.gz, Release (unsigned)
make_index() {
  local d="$1"
  (cd "${d}" \
    && apt-ftparchive packages . > Packages \
    && gzip -9n -c Packages > Packages.gz \
    && apt-ftparchive \
         -o APT::FTPArchive::Release::Origin="gnh-lab-mirror" \
         -o APT::FTPArchive::Release::Label="NVIDIA Container Toolkit (lab mirror)" \
         -o APT::FTPArchive::Release::Architectures="${ARCH}" \
         release . > ../Release.tmp \
    && mv ../Release.tmp Release)
}
# sign_release DIR GNUPGHOME FPR: InRelease (clearsigned) + Release.gpg (detached)
sign_release() {
  local d="$1" home="$2" fpr="$3"
  rm -f "${d}/InRelease" "${d}/Release.gpg"
  GNUPGHOME="${home}" gpg --batch --yes --quiet --local-user "${fpr}" --digest-algo SHA512 \
    --clearsign -o "${d}/InRelease" "${d}/Release"
  GNUPGHOME="${home}" gpg --batch --yes --quiet --local-user "${fpr}" --digest-algo SHA512 \
    --armor --detach-sign -o "${d}/Release.gpg" "${d}/Release"
}

NEW="${STAGE}/out"
mkdir -p "${NEW}/good/${SUITE_PATH}"
cp "${STAGE}/debs/"*.deb "${NEW}/good/${SUITE_PATH}/"
make_index "${NEW}/good/${SUITE_PATH}"
sign_release "${NEW}/good/${SUITE_PATH}" "${GOOD_HOME}" "${GOOD_FPR}"
export_key "${GOOD_HOME}" "${GOOD_FPR}" > "${NEW}/good/gpgkey"
{ cat "${NEW}/good/gpgkey"; export_key "${FOREIGN_HOME}" "${FOREIGN_FPR}"; } > "${NEW}/good/gpgkey-with-foreign"

# a. foreign-signed: identical content, InRelease/Release.gpg by the foreign key.
mkdir -p "${NEW}/foreign-signed/${SUITE_PATH}"
cp -a "${NEW}/good/${SUITE_PATH}/." "${NEW}/foreign-signed/${SUITE_PATH}/"
cp "${NEW}/good/gpgkey" "${NEW}/foreign-signed/gpgkey"
sign_release "${NEW}/foreign-signed/${SUITE_PATH}" "${FOREIGN_HOME}" "${FOREIGN_FPR}"

# b. tampered-deb: genuine signature; after signing, one .deb gets a byte appended (apt: "File
#    has unexpected size") and another keeps its size but has its last byte flipped ("Hash Sum
#    mismatch"). Both are the newest version.
mkdir -p "${NEW}/tampered-deb/${SUITE_PATH}"
cp -a "${NEW}/good/${SUITE_PATH}/." "${NEW}/tampered-deb/${SUITE_PATH}/"
cp "${NEW}/good/gpgkey" "${NEW}/tampered-deb/gpgkey"
appended="${NEW}/tampered-deb/${SUITE_PATH}/${TAMPERED_PKG}_${VERSIONS[-1]}-${PKG_REVISION}_${ARCH}.deb"
flipped="${NEW}/tampered-deb/${SUITE_PATH}/${FLIPPED_PKG}_${VERSIONS[-1]}-${PKG_REVISION}_${ARCH}.deb"
[[ -f "${appended}" && -f "${flipped}" ]] || die "tampered-deb: victims missing"
printf 'X' >> "${appended}"
size="$(stat -c %s "${flipped}")"
last="$(tail -c 1 "${flipped}" | od -An -tu1 | tr -d ' ')"
# shellcheck disable=SC2059  # the format is an octal escape built on purpose
printf "\\$(printf '%03o' "$(( last ^ 255 ))")" \
  | dd of="${flipped}" bs=1 seek="$(( size - 1 ))" conv=notrunc status=none
[[ "$(stat -c %s "${flipped}")" == "${size}" ]] || die "tampered-deb: size changed"
printf 'appended-byte %s\nflipped-byte %s\n' "$(basename "${appended}")" "$(basename "${flipped}")" \
  > "${NEW}/tampered-deb/TAMPERED"

printf '%s\n' "${GOOD_FPR}" > "${NEW}/fingerprint"
printf '%s\n' "${FOREIGN_FPR}" > "${NEW}/foreign-fingerprint"

# Self-checks before publishing.
gpgv_check() {  # gpgv_check KEYFILE FILE...
  local kr="${STAGE}/kr.gpg"
  rm -f "${kr}"
  gpg --batch --quiet --dearmor -o "${kr}" < "$1"; shift
  gpgv --keyring "${kr}" "$@" >/dev/null 2>&1
}
gpgv_check "${NEW}/good/gpgkey" "${NEW}/good/${SUITE_PATH}/InRelease" || die "good InRelease does not verify"
gpgv_check "${NEW}/good/gpgkey" "${NEW}/good/${SUITE_PATH}/Release.gpg" "${NEW}/good/${SUITE_PATH}/Release" \
  || die "good Release.gpg does not verify"
if gpgv_check "${NEW}/good/gpgkey" "${NEW}/foreign-signed/${SUITE_PATH}/InRelease"; then
  die "foreign-signed InRelease verifies with the genuine key"
fi

# Publish: replace each top-level entry of OUT_DIR by rename (OUT_DIR itself stays the same
# directory, so a container that bind-mounts it keeps serving the new content).
for entry in good foreign-signed tampered-deb fingerprint foreign-fingerprint; do
  if [[ -e "${OUT_DIR}/${entry}" ]]; then
    rm -rf "${OUT_DIR}/.old-${entry}"
    mv "${OUT_DIR}/${entry}" "${OUT_DIR}/.old-${entry}"
  fi
  mv "${NEW}/${entry}" "${OUT_DIR}/${entry}"
  rm -rf "${OUT_DIR}/.old-${entry}"
done
chmod -R a+rX "${OUT_DIR}"
rm -rf "${STAGE}"
printf '%s\n' "${INPUTS}" > "${STAMP}"
phase repo

log "done: ${OUT_DIR} (fingerprint ${GOOD_FPR}); total $(( $(date +%s) - T0 ))s"
