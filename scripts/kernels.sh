#!/usr/bin/env bash
# Provide one of the test kernels and print where it is:
#
#   scripts/kernels.sh stock-6.1 | stock-6.12 | debug | kcsan
#
# prints shell assignments KVER=, KDIR= (a tree to build modules against) and
# IMAGE= (a bzImage to boot).  Stock kernels come from Debian's archive: the
# headers are installed with apt, the image package is only downloaded and
# unpacked into the cache, so the host's /boot is left alone.  The debug kernel
# (KASAN, lockdep, kmemleak, ...) and the kcsan kernel (KCSAN) are built from
# Debian's linux-source-6.12 with configs/base.config plus their own fragment
# and cached under a key made of the source version and the fragments' hash.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# newest_pkg REGEX: the newest package in the archive whose name matches.
newest_pkg() {
	apt-cache search --names-only "$1" | awk '{print $1}' | sort -V | tail -1
}

ensure_apt_lists() {
	if [ -z "$(apt-cache search --names-only '^linux-headers-6\.12\..*\+deb12-amd64$')" ]; then
		as_root apt-get update -q >/dev/null
	fi
}

# fetch_image KVER: unpack linux-image-KVER into the cache; print the bzImage.
fetch_image() {
	local kver=$1 dir="$NTWQ_CACHE/stock/$1"
	if [ ! -f "$dir/boot/vmlinuz-$kver" ]; then
		mkdir -p "$dir/deb"
		say "downloading linux-image-$kver"
		(cd "$dir/deb" && apt-get download -q "linux-image-$kver" >/dev/null 2>&1 ||
			apt-get download -q "linux-image-$kver-unsigned" >/dev/null) ||
			die "cannot download linux-image-$kver"
		dpkg-deb -x "$dir"/deb/linux-image-*.deb "$dir"
		rm -rf "$dir/deb"
	fi
	echo "$dir/boot/vmlinuz-$kver"
}

stock() {
	local hdr kver
	ensure_apt_lists
	case $1 in
	6.1)
		need_pkgs linux-headers-amd64
		hdr=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 |
			tr ',' '\n' | grep -o 'linux-headers-6\.1\.[0-9]*-[0-9]*-amd64' | head -1)
		;;
	6.12)
		hdr=$(newest_pkg '^linux-headers-6\.12\..*\+deb12-amd64$')
		[ -n "$hdr" ] || die "no linux-headers-6.12.*+deb12-amd64 in the archive"
		need_pkgs "$hdr"
		;;
	esac
	kver=${hdr#linux-headers-}
	[ -d "/lib/modules/$kver/build" ] || die "headers for $kver are not installed"
	echo "KVER=$kver"
	echo "KDIR=/lib/modules/$kver/build"
	echo "IMAGE=$(fetch_image "$kver")"
}

# built NAME: build (once) and cache the kernel configs/base.config plus
# configs/NAME.config describe, from Debian's linux-source-6.12.  The cache key
# is the source version and a hash of both fragments and of this recipe, so a
# changed fragment gets a fresh kernel and an unchanged one is reused.
built() {
	need_pkgs linux-source-6.12 flex bison bc libelf-dev libssl-dev cpio xz-utils python3
	local name=$1 ver key dir tarball
	local base="$NTWQ_ROOT/configs/base.config" frag="$NTWQ_ROOT/configs/$1.config"
	ver=$(dpkg-query -W -f='${Version}' linux-source-6.12)
	key=$({ cat "$base" "$frag"; declare -f built; } | sha256sum | cut -c1-12)
	dir="$NTWQ_CACHE/$name/linux-$ver-$key"
	tarball=$(ls /usr/src/linux-source-6.12.tar.xz)
	if [ ! -f "$dir/.complete" ]; then
		rm -rf "$dir"
		mkdir -p "$dir/build"
		say "building the $name kernel (linux-source $ver, config $key); this takes a few minutes"
		tar -C "$dir" -xJf "$tarball"
		local src="$dir/linux-source-6.12" log="$dir/build.log"
		local mk=(make -C "$src" O="$dir/build" ARCH=x86_64 -j"$(nproc)")
		{
			"${mk[@]}" tinyconfig &&
			"$src/scripts/kconfig/merge_config.sh" -m -O "$dir/build" \
				"$dir/build/.config" "$base" "$frag" &&
			"${mk[@]}" olddefconfig &&
			"$src/scripts/config" --file "$dir/build/.config" -d WERROR &&
			"${mk[@]}" bzImage modules_prepare &&
			"${mk[@]}" modules
		} >"$log" 2>&1 || { tail -30 "$log" >&2; die "$name kernel build failed (log: $log)"; }
		# Every option the fragments ask for must have survived olddefconfig.
		local opt missing=()
		while read -r opt; do
			grep -qx "$opt" "$dir/build/.config" || missing+=("$opt")
		done < <(grep -hE '^CONFIG_[A-Z0-9_]+=' "$base" "$frag")
		[ ${#missing[@]} -eq 0 ] || die "$name config lost: ${missing[*]}"
		touch "$dir/.complete"
	fi
	echo "KVER=$(cat "$dir/build/include/config/kernel.release")"
	echo "KDIR=$dir/build"
	echo "IMAGE=$dir/build/arch/x86/boot/bzImage"
}

case ${1:-} in
stock-6.1) stock 6.1 ;;
stock-6.12) stock 6.12 ;;
debug | kcsan)
	# One build of a kernel at a time: a second caller waits for the first
	# (and then finds it complete) instead of deleting its half-built tree.
	exec 9>"$NTWQ_CACHE/$1.lock"
	flock 9
	built "$1"
	;;
*) die "usage: $0 stock-6.1|stock-6.12|debug|kcsan" ;;
esac
