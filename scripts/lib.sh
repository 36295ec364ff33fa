# Shared helpers for the ntwq harness scripts.  Source it; do not run it.
# shellcheck shell=bash

NTWQ_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Kernels, images and packages are cached outside the repository.
NTWQ_CACHE=${NTWQ_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ntwq}
# Per-kernel build trees and VM logs live in the repository's build/ (ignored).
NTWQ_BUILD=${NTWQ_BUILD:-$NTWQ_ROOT/build}

say() { printf '[ntwq] %s\n' "$*" >&2; }
die() { printf '[ntwq] error: %s\n' "$*" >&2; exit 1; }

# as_root CMD...: run CMD as root, through sudo when we are not root.
as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo "$@"
	else
		die "need root to run: $*"
	fi
}

_apt_updated=
# need_pkgs PKG...: install the Debian packages that are not installed yet.
need_pkgs() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ -z "$_apt_updated" ]; then
		say "apt-get update"
		as_root apt-get update -q >/dev/null || die "apt-get update failed"
		_apt_updated=1
	fi
	say "installing: ${missing[*]}"
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends "${missing[@]}" >"$NTWQ_CACHE/apt.log" 2>&1 ||
		{ tail -20 "$NTWQ_CACHE/apt.log" >&2; die "apt-get install failed"; }
}

# Everything the harness uses, from Debian's archive.  The MinGW-w64 cross
# compiler builds the Windows test drivers (windrivers/) as PE32+ .sys files;
# Debian's python3-capstone is the disassembler tools/pe2elf/pe2elf.py uses
# to find their cross-section references (run it with /usr/bin/python3).
NTWQ_HOST_PKGS=(make gcc g++ libc6-dev binutils flex bison bc libelf-dev
	libssl-dev cpio xz-utils python3 kmod busybox-static qemu-system-x86
	gcc-mingw-w64-x86-64 python3-capstone)

mkdir -p "$NTWQ_CACHE" "$NTWQ_BUILD"

# `make deb` and its test (scripts/make-deb.sh, scripts/test-deb.sh).
NTWQ_DEB_PKGS=(dpkg-dev debhelper dh-dkms dkms)
