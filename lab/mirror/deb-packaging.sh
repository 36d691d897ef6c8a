# shellcheck shell=bash
# lab/mirror/build-repo.sh, the .deb packaging helpers (control files, install lists, maintainer scripts): sourced by build-repo.sh, which sets the globals.

# write_control DIR PACKAGE VERSION DESCRIPTION-LINE EXTRA-FIELDS...
write_control() {
  local root="$1" pkg="$2" version="$3" desc="$4"; shift 4
  local size
  size="$(du -sk --exclude=DEBIAN "${root}" | cut -f1)"
  mkdir -p "${root}/DEBIAN"
  {
    printf 'Package: %s\nVersion: %s\nArchitecture: %s\nMaintainer: %s\n' "${pkg}" "${version}" "${ARCH}" "${MAINTAINER}"
    printf 'Installed-Size: %s\n' "${size}"
    local field
    for field in "$@"; do printf '%s\n' "${field}"; done
    printf 'Section: utils\nPriority: optional\nHomepage: %s\n' "${HOMEPAGE}"
    printf 'Description: %s\n' "${desc}"
  } > "${root}/DEBIAN/control"
}

# build_deb ROOT EPOCH: fixed mtimes/owners so identical inputs give identical .debs.
build_deb() {
  local root="$1" epoch="$2" out
  (cd "${root}" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z \
     | xargs -0r md5sum > DEBIAN/md5sums)
  [[ -s "${root}/DEBIAN/md5sums" ]] || rm -f "${root}/DEBIAN/md5sums"
  find "${root}" -exec touch -h -d "@${epoch}" {} +
  out="$(SOURCE_DATE_EPOCH="${epoch}" dpkg-deb --root-owner-group -Zxz --build "${root}" "${STAGE}/debs/" 2>&1)"
  log "  ${out}"
}

doc_note() {
  local root="$1" pkg="$2" text="$3"
  mkdir -p "${root}/usr/share/doc/${pkg}"
  printf '%s\n' "${text}" > "${root}/usr/share/doc/${pkg}/README.lab"
}


# A field of one package in the module's packaging/debian/control, with upstream's @VERSION@ and
# @LIBNVIDIA_CONTAINER_TOOLS_VERSION@ set to this release (as NVIDIA's CI does) and debhelper's
# ${misc:...} substitutions dropped. Empty when the package has no such field.
control_field() {
  local mdir="$1" pkg="$2" field="$3" dver="$4"
  # shellcheck disable=SC2016 # ${misc:...} is debhelper's literal text in debian/control
  awk -v pkg="${pkg}" -v field="${field}" '
    /^Package:/ { in_pkg = ($2 == pkg) }
    in_pkg && index($0, field ": ") == 1 { print substr($0, length(field) + 3) }
  ' "${mdir}/packaging/debian/control" \
    | sed -e "s/@VERSION@/${dver}/g" -e "s/@LIBNVIDIA_CONTAINER_TOOLS_VERSION@/${dver}/g" \
          -e 's/\${misc:[A-Za-z-]*}, *//g' -e 's/, *\${misc:[A-Za-z-]*}//g' -e 's/^\${misc:[A-Za-z-]*}$//'
}

# Installs what upstream's PKG.install lists into ROOT: the tools we built, and every other file
# (systemd units, udev rules, env files from 1.18 on) from the module's deployments/ tree.
install_listed() {
  local mdir="$1" pkg="$2" root="$3" bindir="$4" name dest src
  while read -r name dest; do
    [[ -n "${name}" ]] || continue
    if [[ -f "${bindir}/${name}" ]]; then
      install -D -m 0755 "${bindir}/${name}" "${root}${dest%/}/${name}"
      continue
    fi
    src="$(find "${mdir}/deployments" -type f -name "${name}" | head -n 1)"
    [[ -n "${src}" ]] || die "${pkg}: ${name} (listed in ${pkg}.install) is neither a built tool nor under deployments/"
    install -D -m 0644 "${src}" "${root}${dest%/}/${name}"
  done < "${mdir}/packaging/debian/${pkg}.install"
  # Files under /etc are conffiles, as debhelper marks them.
  if [[ -d "${root}/etc" ]]; then
    mkdir -p "${root}/DEBIAN"
    (cd "${root}" && find etc -type f | sort | sed 's|^|/|') > "${root}/DEBIAN/conffiles"
  fi
}

# Maintainer scripts from the module's packaging/debian/, with what debhelper would put at
# #DEBHELPER#: dpkg-maintscript-helper calls for PKG.maintscript (1.20 moves its units from /etc to
# /lib), and enabling and starting the systemd units the package ships (dh_installsystemd).
install_maint_scripts() {
  local mdir="$1" pkg="$2" root="$3" dver="$4" kind line units snippet
  local maint="${mdir}/packaging/debian/${pkg}.maintscript"
  # (no unit directory at all is fine: find's complaint is dropped and the list stays empty)
  units="$(cd "${root}" && { find lib/systemd/system etc/systemd/system -maxdepth 1 -type f \( -name '*.service' -o -name '*.path' \) -printf '%f\n' 2>/dev/null || true; } | sort -u | tr '\n' ' ')"
  mkdir -p "${root}/DEBIAN"
  for kind in preinst postinst postrm; do
    snippet=""
    if [[ -f "${maint}" ]]; then
      while read -r line; do
        [[ -n "${line}" ]] || continue
        snippet+="dpkg-maintscript-helper ${line//@VERSION@/${dver}} -- \"\$@\""$'\n'
      done < "${maint}"
    fi
    if [[ "${kind}" == postinst && -n "${units}" ]]; then
      snippet+="if [ \"\$1\" = configure ] && [ -d /run/systemd/system ]; then systemctl daemon-reload >/dev/null 2>&1 || true; systemctl enable ${units}>/dev/null 2>&1 || true; systemctl start ${units}>/dev/null 2>&1 || true; fi"$'\n'
    fi
    if [[ -f "${mdir}/packaging/debian/${pkg}.${kind}" ]]; then
      awk -v snippet="${snippet}" '$0 == "#DEBHELPER#" { printf "%s", snippet; next } { print }' \
        "${mdir}/packaging/debian/${pkg}.${kind}" > "${root}/DEBIAN/${kind}"
    elif [[ -n "${snippet}" ]]; then
      printf '#!/bin/sh\nset -e\n%s' "${snippet}" > "${root}/DEBIAN/${kind}"
    else
      continue
    fi
    chmod 0755 "${root}/DEBIAN/${kind}"
  done
}
