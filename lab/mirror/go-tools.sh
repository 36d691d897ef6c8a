# shellcheck shell=bash
# lab/mirror/build-repo.sh, NVIDIA's Go tools built per version from the module: sourced by build-repo.sh, which sets the globals.

# Echoes the module directory in GOMODCACHE (downloads it through the Go module proxy if needed).
module_dir() {
  local ver="$1" dir
  dir="$(go mod download -json "${MODULE}@v${ver}" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [[ -n "${dir}" && -f "${dir}/versions.mk" ]] || die "module ${MODULE}@v${ver} has no versions.mk"
  printf '%s\n' "${dir}"
}

build_tools() {
  local ver="$1" mdir lib_version version_pkg extld ldflags recipe bindir stamp tool
  bindir="${BUILD_DIR}/bin/${ver}"
  stamp="${bindir}/.recipe"
  mdir="$(module_dir "${ver}")"
  # Read the version and the -X package from upstream's own build files.
  lib_version="$(sed -n 's/^LIB_VERSION[[:space:]]*:=[[:space:]]*\([^[:space:]]*\).*/\1/p' "${mdir}/versions.mk")"
  [[ "${lib_version}" == "${ver}" ]] || die "versions.mk of v${ver} says LIB_VERSION=${lib_version}"
  version_pkg="$(sed -n 's/^CLI_VERSION_PACKAGE[[:space:]]*=[[:space:]]*\([^[:space:]]*\).*/\1/p' "${mdir}/Makefile")"
  [[ -n "${version_pkg}" ]] || die "CLI_VERSION_PACKAGE not found in ${mdir}/Makefile"
  # Same flags as upstream's Makefile (cmd-% target); gitCommit is left empty because the
  # module zip carries no git metadata. -trimpath keeps build paths out of the binaries.
  extld='-Wl,--export-dynamic -Wl,--unresolved-symbols=ignore-in-object-files -Wl,-z,lazy'
  ldflags="-s -w '-extldflags=${extld}' -X ${version_pkg}.gitCommit= -X ${version_pkg}.version=${lib_version}"
  for tool in "${TOOLS[@]}"; do
    [[ -d "${mdir}/cmd/${tool}" ]] || die "v${ver} has no cmd/${tool}"
  done
  recipe="$(printf '%s\n' "${ver}" "${ldflags}" "$(go version)" "${TOOLS[*]}" -trimpath | sha256sum | cut -d' ' -f1)"
  if [[ -f "${stamp}" && "$(cat "${stamp}")" == "${recipe}" ]]; then
    log "v${ver}: cached binaries in ${bindir}"
    return 0
  fi
  log "v${ver}: building ${TOOLS[*]} from ${MODULE}@v${ver}"
  local tmp="${bindir}.tmp.$$" pkgs=()
  rm -rf "${tmp}"; mkdir -p "${tmp}"
  for tool in "${TOOLS[@]}"; do pkgs+=("${MODULE}/cmd/${tool}@v${ver}"); done
  GOBIN="${tmp}" CGO_ENABLED=1 go install -trimpath -ldflags="${ldflags}" "${pkgs[@]}"
  for tool in "${TOOLS[@]}"; do
    [[ -x "${tmp}/${tool}" ]] || die "v${ver}: ${tool} was not built"
  done
  "${tmp}/nvidia-ctk" --version | grep -q "version ${ver}\$" || die "v${ver}: version stamp missing"
  # Release time of the tag (from the proxy's .info) for reproducible package timestamps.
  go mod download -json "${MODULE}@v${ver}" | sed -n 's/^[[:space:]]*"Info": "\(.*\)",$/\1/p' \
    | xargs cat | sed -n 's/.*"Time":"\([^"]*\)".*/\1/p' > "${tmp}/.release-time"
  printf '%s\n' "${recipe}" > "${tmp}/.recipe"
  rm -rf "${bindir}"
  mv "${tmp}" "${bindir}"
}
