#!/usr/bin/env bash
# Builds mediasoup-worker from the sources npm installed, using only Debian's toolchain and
# -dev libraries (no GitHub/PyPI: meson wraps are replaced by shims over system libraries).
# Called by ensure-worker.mjs, which installs the Debian packages first.
#
# Usage: build-worker.sh <mediasoup-worker-src-dir> <output-binary>
# Works on a temporary copy so node_modules stays pristine. Prints "STEP <name>" before each
# step so the caller can say which one failed; tool output goes to stdout (the caller logs it).
# env: JOBS (default nproc), KEEP_BUILD=1 keeps the temporary copy.
set -euo pipefail
SRC="$(realpath "$1")"
OUT="$2"
JOBS="${JOBS:-$(nproc)}"
step() { echo "STEP $1"; }

step copy-sources
WORK="$(mktemp -d "${TMPDIR:-/tmp}/aukio-mediasoup-worker.XXXXXX")"
cleanup() { [ "${KEEP_BUILD:-0}" = 1 ] || rm -rf "$WORK"; }
trap cleanup EXIT
W="$WORK/worker"
mkdir -p "$W"
# out/ may hold a previous binary or build tree; the copy must not carry it along.
tar -C "$SRC" --exclude=./out -cf - . | tar -C "$W" -xf -

step write-shims
S="$W/subprojects"
rm -f "$S"/*.wrap
# Each shim is a subproject exposing a Debian library under the variable names mediasoup's
# meson.build reads; the empty static libraries satisfy its link_whole lists.
mk() { # name, meson.build body, [meson_options.txt body]
  mkdir -p "$S/$1"
  printf "project('%s', ['c', 'cpp'])\nfs_empty = files('empty.c')\n%s\n" "$1" "$2" > "$S/$1/meson.build"
  echo "/* empty */" > "$S/$1/empty.c"
  printf "%s\n" "${3:-}" > "$S/$1/meson_options.txt"
}
mk openssl "
openssl_dep = dependency('openssl')
libcrypto_dep = dependency('libcrypto')
libssl_dep = dependency('libssl')
libcrypto_lib = static_library('shim_crypto', fs_empty)
libssl_lib = static_library('shim_ssl', fs_empty)"
mk nlohmann_json "
nlohmann_json_dep = dependency('nlohmann_json')"
UNORDERED_DENSE=""
if grep -rqs "unordered_dense" "$W/meson.build" "$W/src" "$W/include"; then
  # mediasoup >= 3.2x wants ankerl::unordered_dense; Debian 12 has no package for it. The
  # override has to live in a subproject configured before the worker asks for it: libuv is.
  UNORDERED_DENSE="meson.override_dependency('unordered_dense', declare_dependency(include_directories: include_directories('ankerl_inc')))"
fi
mk libuv "
libuv_dep = dependency('libuv')
libuv = static_library('shim_uv', fs_empty)
$UNORDERED_DENSE" "option('build_tests', type: 'boolean', value: false)
option('build_benchmarks', type: 'boolean', value: false)"
if [ -n "$UNORDERED_DENSE" ]; then
  mkdir -p "$S/libuv/ankerl_inc/ankerl"
  cp "$(dirname "$0")/shims/unordered_dense.h" "$S/libuv/ankerl_inc/ankerl/unordered_dense.h"
fi
SRTP_OPTS="option('crypto-library', type: 'string', value: 'openssl')
option('crypto-library-kdf', type: 'string', value: 'disabled')
option('tests', type: 'string', value: 'disabled')"
mk libsrtp2 "
_d = dependency('libsrtp2')
libsrtp2_dep = declare_dependency(dependencies: _d, compile_args: ['-isystem' + _d.get_variable(pkgconfig: 'includedir') + '/srtp2'])
libsrtp2 = static_library('shim_srtp2', fs_empty)" "$SRTP_OPTS"
SRTP3_ARGS=""
# Newer libsrtp3 (mediasoup > 3.19) has an opaque policy API; the shim emulates it on request.
if grep -rqs "srtp_policy_create" "$W/src"; then SRTP3_ARGS="'-DMS_SRTP3_OPAQUE_POLICY'"; fi
mk libsrtp3 "
libsrtp3_dep = declare_dependency(dependencies: dependency('libsrtp2'), include_directories: include_directories('include'), compile_args: [$SRTP3_ARGS])
libsrtp3 = static_library('shim_srtp3', fs_empty)" "$SRTP_OPTS"
mkdir -p "$S/libsrtp3/include"
cp "$(dirname "$0")/shims/srtp3-on-srtp2.h" "$S/libsrtp3/include/srtp.h"
mk usrsctp "
usrsctp_dep = dependency('usrsctp')
usrsctp = static_library('shim_usrsctp', fs_empty)" "option('sctp_build_programs', type: 'boolean', value: false)"
mk abseil-cpp "
_ds = []
foreach _n : ['absl_flat_hash_map', 'absl_flat_hash_set', 'absl_node_hash_map', 'absl_btree', 'absl_inlined_vector', 'absl_strings', 'absl_memory', 'absl_optional']
  _ds += dependency(_n)
endforeach
absl_container_dep = declare_dependency(dependencies: _ds)
absl_container_lib = static_library('shim_absl', fs_empty)
absl_strings_dep = absl_container_dep
absl_types_dep = absl_container_dep
absl_base_dep = absl_container_dep"
mk catch2 "
catch2_dep = dependency('catch2', required: false)
catch2_with_main_dep = catch2_dep"
mk flatbuffers "
flatbuffers_dep = dependency('flatbuffers')
flatbuffers_lib = static_library('shim_fb', fs_empty)"
mk liburing "
uring = dependency('liburing')
liburing = static_library('shim_uring', fs_empty)"

step patch-sources
# Debian's OpenSSL has kernel TLS; mediasoup's DTLS BIO callback answers 1 to every
# BIO_CB_RETURN|op call, so libssl believes kTLS is on, allocates no write buffer and the
# worker SIGSEGVs on the first DTLS handshake with a browser. Return the real result.
DTLS="$W/src/RTC/DtlsTransport.cpp"
sed -i 's/(operationType == BIO_CB_RETURN) ? static_cast<long>(ret) : 1/(operationType \& BIO_CB_RETURN) ? static_cast<long>(ret) : 1/' "$DTLS"
if ! grep -q '(operationType & BIO_CB_RETURN)' "$DTLS"; then
  echo "the kTLS patch did not apply to $DTLS (the source changed: revisit the recipe)" >&2
  exit 1
fi
# Debian 12 ships meson 1.0.1, which builds the worker although meson.build asks for newer.
sed -i -E "s/meson_version *: *'>= *[0-9.]+'/meson_version: '>= 1.0.0'/" "$W/meson.build"

step meson-setup
B="$WORK/build"
EXTRA=()
# liburing is required on kernels >= 6 unless disabled; the worker runs fine on epoll and the
# recipe has not been checked against Debian's liburing.
grep -q "ms_disable_liburing" "$W/meson_options.txt" && EXTRA+=("-Dms_disable_liburing=true")
meson setup "$B" "$W" --wrap-mode=nodownload --buildtype=release \
  -Db_ndebug=true -Db_pie=true -Db_staticpic=true "${EXTRA[@]}"

step build-flatbuffers
# Some targets lack an order dependency on the generated headers: generate them first.
FBS_T="$(ninja -C "$B" -t targets all | cut -d: -f1 | grep -xE 'fbs/FBS|fbs/FBS/worker\.h' | head -1 || true)"
if [ -n "$FBS_T" ]; then ninja -C "$B" "$FBS_T"; fi

step build-worker
ninja -C "$B" -j"$JOBS" mediasoup-worker

step install-binary
strip "$B/mediasoup-worker"
mkdir -p "$(dirname "$OUT")"
cp "$B/mediasoup-worker" "$OUT.tmp.$$"
mv -f "$OUT.tmp.$$" "$OUT"
step done
