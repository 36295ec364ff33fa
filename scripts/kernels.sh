#!/usr/bin/env bash
# Provide one of the test kernels and print where it is:
#
#   scripts/kernels.sh stock-6.1 | stock-6.12 | debug | kcsan | stock-5.10 | newest
#
# prints shell assignments KVER=, KDIR= (a tree to build modules against) and
# IMAGE= (a bzImage to boot).  Stock kernels come from Debian's archive: the
# headers are installed with apt, the image package is only downloaded and
# unpacked into the cache, so the host's /boot is left alone.  The debug kernel
# (KASAN, lockdep, kmemleak, ...) and the kcsan kernel (KCSAN) are built from
# Debian's linux-source-6.12 with configs/base.config plus their own fragment
# and cached under a key made of the source version and the fragments' hash.
# The range's ends are built the same way from other Debian suites' sources:
# stock-5.10 from bullseye's linux-source-5.10 (the oldest LTS ntwq supports)
# and newest from the newest linux-source-* in unstable, each with
# configs/base.config plus configs/<id>.config; their source packages are
# fetched with a private apt configuration under the cache (the machine's apt
# sources are left as they are).
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


# ---- the range's ends: Debian source packages of other suites --------------

# The machine's Debian mirror, as its own apt sources name it (deb822 or
# one-line), so the private configuration below uses the same one.
machine_mirror() {
	local m
	m=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.sources \
		/etc/apt/sources.list.d/*.list 2>/dev/null |
		grep -oE 'https?://[^ ]+/debian/?( |$)' | grep -v security | head -1 | tr -d ' ')
	echo "${m:-http://deb.debian.org/debian}"
}

# papt CMD ARGS...: apt-get/apt-cache with a private sources list, lists and
# cache under $NTWQ_CACHE/apt: bullseye (5.10) and unstable (the newest).
papt() {
	local d="$NTWQ_CACHE/apt" cmd=$1
	shift
	"$cmd" -q -o Dir::Etc::sourcelist="$d/sources.list" -o Dir::Etc::sourceparts=- \
		-o Dir::State::Lists="$d/lists" -o Dir::Cache="$d/cache" "$@"
}
papt_update() {
	local d="$NTWQ_CACHE/apt" mirror
	mkdir -p "$d/lists/partial" "$d/cache/archives/partial"
	mirror=$(machine_mirror)
	printf 'deb %s %s main\n' "$mirror" bullseye "$mirror" unstable >"$d/sources.list.new"
	mv "$d/sources.list.new" "$d/sources.list"
	# Once a day is enough; without a network, yesterday's lists do.
	if [ -z "$(find "$d/lists" -maxdepth 1 -name '*_Packages' -mmin -1440 2>/dev/null)" ]; then
		papt apt-get update >"$d/update.log" 2>&1 ||
			say "private apt-get update failed (log: $d/update.log); using the lists there are"
	fi
}

# source_tarball PKG: download Debian's PKG (linux-source-X) into the cache
# once and print the path of the source tarball it carries.
source_tarball() {
	local pkg=$1 d="$NTWQ_CACHE/src" deb
	mkdir -p "$d"
	deb=$(ls "$d/${pkg}_"*.deb 2>/dev/null | sort -V | tail -1)
	if [ -z "$deb" ]; then
		say "downloading $pkg (private apt configuration under $NTWQ_CACHE/apt)"
		(cd "$d" && papt apt-get download "$pkg" >"$d/download.log" 2>&1) ||
			die "cannot download $pkg (log: $d/download.log)"
		deb=$(ls "$d/${pkg}_"*.deb | sort -V | tail -1)
	fi
	if [ ! -d "$d/${deb##*/}.x" ]; then
		rm -rf "$d/${deb##*/}.x.tmp"
		dpkg-deb -x "$deb" "$d/${deb##*/}.x.tmp" && mv "$d/${deb##*/}.x.tmp" "$d/${deb##*/}.x"
	fi
	ls "$d/${deb##*/}.x"/usr/src/"$pkg".tar.*
}

# release KID PKG: build (once) and cache a kernel from Debian's source
# package PKG with configs/base.config plus configs/KID.config, like built()
# but for a source of another suite.  An option the fragments name that this
# release's Kconfig does not know (a later rename, a later feature) is left
# out of the check that every option survived; the fragment of the release
# carries its own names.
release() {
	local kid=$1 pkg=$2 ver key dir tarball
	local base="$NTWQ_ROOT/configs/base.config" frag="$NTWQ_ROOT/configs/$kid.config"
	ver=$(papt apt-cache show "$pkg" 2>/dev/null | sed -n 's/^Version: //p' | sort -V | tail -1)
	[ -n "$ver" ] || die "no $pkg in the private apt lists ($NTWQ_CACHE/apt)"
	key=$({ cat "$base" "$frag"; declare -f release; } | sha256sum | cut -c1-12)
	dir="$NTWQ_CACHE/$kid/linux-$ver-$key"
	if [ ! -f "$dir/.complete" ]; then
		tarball=$(source_tarball "$pkg")
		rm -rf "$dir"
		mkdir -p "$dir/build"
		say "building the $kid kernel ($pkg $ver, config $key); this takes a few minutes"
		tar -C "$dir" -xf "$tarball"
		local src="$dir/${pkg}" log="$dir/build.log" t0=$SECONDS
		local mk=(make -C "$src" O="$dir/build" ARCH=x86_64 -j"$(nproc)")
		{
			"${mk[@]}" tinyconfig &&
			"$src/scripts/kconfig/merge_config.sh" -m -O "$dir/build" \
				"$dir/build/.config" "$base" "$frag" &&
			"${mk[@]}" olddefconfig &&
			"$src/scripts/config" --file "$dir/build/.config" -d WERROR &&
			"${mk[@]}" bzImage modules_prepare &&
			"${mk[@]}" modules
		} >"$log" 2>&1 || { tail -30 "$log" >&2; die "$kid kernel build failed (log: $log)"; }
		local opt sym missing=() known
		known=$(find "$src" -name 'Kconfig*' -exec grep -hoE '^\s*(menu)?config [A-Z0-9_]+' {} + |
			awk '{print $2}' | sort -u)
		while read -r opt; do
			sym=${opt%%=*}
			sym=${sym#CONFIG_}
			grep -qxF "$sym" <<<"$known" || continue
			grep -qx "$opt" "$dir/build/.config" || missing+=("$opt")
		done < <(grep -hE '^CONFIG_[A-Z0-9_]+=' "$base" "$frag")
		[ ${#missing[@]} -eq 0 ] || die "$kid config lost: ${missing[*]}"
		echo "$((SECONDS - t0))" >"$dir/build.seconds"
		touch "$dir/.complete"
		say "built the $kid kernel ($pkg $ver) in $((SECONDS - t0)) s"
	fi
	echo "KVER=$(cat "$dir/build/include/config/kernel.release")"
	echo "KDIR=$dir/build"
	echo "IMAGE=$dir/build/arch/x86/boot/bzImage"
	echo "SRC=$dir/$pkg"
	echo "PKGVER=$ver"
}

# newest_source: the newest linux-source-X.Y in the private lists (unstable).
newest_source() {
	papt apt-cache search --names-only '^linux-source-[0-9]+\.[0-9]+$' 2>/dev/null |
		awk '{print $1}' | sort -V | tail -1
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
stock-5.10 | newest)
	exec 9>"$NTWQ_CACHE/$1.lock"
	flock 9
	papt_update
	if [ "$1" = newest ]; then
		pkg=$(newest_source)
		[ -n "$pkg" ] || die "no linux-source-* in unstable's lists ($NTWQ_CACHE/apt)"
	else
		pkg=linux-source-5.10
	fi
	release "$1" "$pkg"
	;;
*) die "usage: $0 stock-6.1|stock-6.12|debug|kcsan|stock-5.10|newest" ;;
esac
