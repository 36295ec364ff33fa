#!/usr/bin/env bash
# test-deb.sh - the Debian package and the files drivers build against.
#
#   scripts/test-deb.sh [RESULTS]
#
# Builds ntwq-dkms with `make deb`, installs it with apt on this machine (its
# postinst has DKMS build and install ntwq for every kernel with headers; any
# stock kernel it left out is built here with `dkms install -k`), checks what
# modinfo reports for both stock kernels (6.1 and 6.12), builds the sample as
# a separate external module against the installed headers and Module.symvers
# alone, does the same with `make install`'s files (staged with DESTDIR), and
# purges the package, which must leave nothing under /usr/src, /var/lib/dkms
# and /lib/modules/*/updates.  It also has DKMS build (not install) ntwq for
# the range's ends, the 5.10 and newest kernels make test builds from
# Debian's sources (their build trees, --kernelsourcedir), and checks that
# dkms.conf's kernel range admits what is tested and nothing older than
# 5.10.  Modules are only built, never loaded.
#
# Prints one "ok NAME" / "fail NAME -- why" line per check, also appended to
# RESULTS if given (scripts/report.py counts them); exit status 1 on failure.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

results=${1:-/dev/null}
work="$NTWQ_BUILD/test-deb"
failed=0
result() { # result ok|fail NAME [WHY]
	local line="$1 $2${3:+ -- $3}"
	echo "$line"
	echo "$line" >>"$results"
	[ "$1" = ok ] || failed=1
}
check() { # check NAME WHY CMD...: ok if CMD succeeds, else fail with WHY
	local name=$1 why=$2
	shift 2
	if "$@"; then result ok "$name"; else result fail "$name" "$why"; fi
}

need_pkgs "${NTWQ_DEB_PKGS[@]}" "${NTWQ_HOST_PKGS[@]}"
version=$(cat "$NTWQ_ROOT/VERSION")
rm -rf "$work"
mkdir -p "$work"

# The two stock kernels whose headers the harness installs.
kvers=()
for kid in stock-6.1 stock-6.12; do
	info=$("$NTWQ_ROOT/scripts/kernels.sh" "$kid" 2>/dev/null | grep '^KVER=') ||
		{ result fail "deb: headers for $kid" "scripts/kernels.sh $kid failed"; continue; }
	kvers+=("${info#KVER=}")
done

# depmod files in /lib/modules/<kernel> that DKMS's depmod runs would add to
# a headers-only kernel: noted now, removed after the purge.
declare -A had_files
for kver in "${kvers[@]}"; do
	had_files[$kver]=$(ls "/lib/modules/$kver")
done

purge() {
	if dpkg-query -W -f='${Status}' ntwq-dkms 2>/dev/null | grep -qv 'not-installed'; then
		as_root env DEBIAN_FRONTEND=noninteractive apt-get purge -y -q ntwq-dkms \
			>>"$work/purge.log" 2>&1
	fi
}
restore_depmod() {
	local kver f
	for kver in "${kvers[@]}"; do
		for f in /lib/modules/"$kver"/modules.*; do
			[ -e "$f" ] || continue
			grep -qxF "${f##*/}" <<<"${had_files[$kver]}" || as_root rm -f "$f"
		done
	done
}
# Never leave the package behind, even when a check fails midway.
trap 'purge; restore_depmod' EXIT
purge    # a previous run that was killed

# ---- the package ----
# --no-print-directory: under `make -C DIR test` MAKEFLAGS carries -w, and
# "Leaving directory" would be the last line instead of the path.
deb=$(make -s --no-print-directory -C "$NTWQ_ROOT" deb 2>"$work/make-deb.log" | tail -1)
if [ -f "$deb" ] && [ "$(basename "$deb")" = "ntwq-dkms_${version}_all.deb" ]; then
	result ok "deb: make deb builds ntwq-dkms_${version}_all.deb"
else
	result fail "deb: make deb builds ntwq-dkms_${version}_all.deb" "see $work/make-deb.log"
	exit 1
fi
if git -C "$NTWQ_ROOT" rev-parse --git-dir >/dev/null 2>&1; then
	check "deb: make deb leaves the tree clean" "$(git -C "$NTWQ_ROOT" status --porcelain --ignored -- debian | head -1)" \
		test -z "$(git -C "$NTWQ_ROOT" status --porcelain --ignored -- debian)"
fi

if as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
	"$deb" >"$work/install.log" 2>&1; then
	result ok "deb: apt installs the package (its postinst runs DKMS)"
else
	result fail "deb: apt installs the package (its postinst runs DKMS)" "see $work/install.log"
	exit 1
fi

src=/usr/src/ntwq-$version
for kver in "${kvers[@]}"; do
	if ! dkms status -m ntwq -v "$version" -k "$kver" 2>/dev/null | grep -q ': installed'; then
		as_root dkms install -m ntwq -v "$version" -k "$kver" >>"$work/dkms-$kver.log" 2>&1
	fi
	check "deb: DKMS built and installed ntwq for $kver" "$(dkms status -m ntwq -k "$kver" 2>&1 | head -1)" \
		grep -q ': installed' <(dkms status -m ntwq -v "$version" -k "$kver" 2>/dev/null)

	# modinfo as an administrator runs it: by name, through depmod's index.
	mi() { modinfo -k "$kver" -F "$2" "$1" 2>/dev/null; }
	problems=()
	[ "$(mi ntwq version)" = "$version" ] || problems+=("version '$(mi ntwq version)'")
	for mod in ntwq ntwq_sample_wdm; do
		for field in description license author; do
			[ -n "$(mi $mod $field)" ] || problems+=("$mod: no $field")
		done
		[ "$(mi $mod license)" = GPL ] || problems+=("$mod: license '$(mi $mod license)'")
		case $(mi $mod filename) in
		/lib/modules/"$kver"/updates/dkms/*) ;;
		*) problems+=("$mod: not DKMS's ($(mi $mod filename))") ;;
		esac
	done
	# Every parameter the sources declare, each with a description and default.
	nparm_src=$(cat "$src"/module/*.c "$src"/module/bridge/*.c | grep -c '^module_param')
	nparm=$(mi ntwq parm | grep -c .)
	[ "$nparm" -eq "$nparm_src" ] || problems+=("ntwq: $nparm parms, sources declare $nparm_src")
	[ "$(mi ntwq_sample_wdm parm | grep -c .)" -ge 1 ] || problems+=("sample: no parms")
	while read -r line; do
		[ -n "$line" ] || continue
		grep -q '(default [^)]*)' <<<"$line" || problems+=("parm without a default: ${line%%:*}")
	done < <(mi ntwq parm; mi ntwq_sample_wdm parm)
	check "deb: modinfo for $kver: description, version $version, license, author, parameters with defaults" \
		"${problems[*]:-}" test ${#problems[@]} -eq 0

	symvers=/var/lib/dkms/ntwq/$version/$kver/x86_64/Module.symvers
	check "deb: DKMS keeps $kver's Module.symvers" "no IoQueueWorkItem in $symvers" \
		grep -q $'\tIoQueueWorkItem\t' "$symvers"
done

# ---- the range's ends: DKMS builds for the 5.10 and newest build trees ----
# Neither has a headers package: DKMS is pointed at the tree make test built
# (scripts/kernels.sh; built there first when not cached), builds, and the
# module must carry that kernel's vermagic.  Build only: nothing is
# installed into /lib/modules for a kernel this machine does not have.
for kid in stock-5.10 newest; do
	if ! info=$("$NTWQ_ROOT/scripts/kernels.sh" "$kid" 2>>"$work/kernels.log"); then
		result fail "deb: DKMS builds ntwq for the $kid build tree" "scripts/kernels.sh $kid failed"
		continue
	fi
	kv=$(sed -n 's/^KVER=//p' <<<"$info")
	kd=$(sed -n 's/^KDIR=//p' <<<"$info")
	as_root dkms build -m ntwq -v "$version" -k "$kv" --kernelsourcedir "$kd" \
		>"$work/dkms-$kv.log" 2>&1
	ko=$(ls /var/lib/dkms/ntwq/"$version"/"$kv"/x86_64/module/ntwq.ko* 2>/dev/null | head -1)
	magic=$([ -n "$ko" ] && modinfo -F vermagic "$ko" | cut -d' ' -f1)
	check "deb: DKMS builds ntwq for the $kid build tree ($kv)" \
		"${ko:+vermagic '$magic'; }see $work/dkms-$kv.log" test "$magic" = "$kv"
done

# dkms.conf's range: BUILD_EXCLUSIVE_KERNEL_MIN for DKMS 3.1 and later, the
# same range as a regular expression for bookworm's DKMS 3.0, which does
# not know the minimum.  Every tested kernel is in, older ones are out.
range_problems=()
range_min=$(sed -n 's/^BUILD_EXCLUSIVE_KERNEL_MIN="\(.*\)"$/\1/p' "$src/dkms.conf")
range_re=$(sed -n 's/^BUILD_EXCLUSIVE_KERNEL="\(.*\)"$/\1/p' "$src/dkms.conf")
[ "$range_min" = 5.10 ] || range_problems+=("BUILD_EXCLUSIVE_KERNEL_MIN '$range_min'")
for kv in "${kvers[@]}" 5.10.223 7.2.13 10.0.1; do
	[[ $kv =~ $range_re ]] || range_problems+=("$kv left out")
done
for kv in 5.4.0-1-amd64 5.9.16 4.19.0-27-amd64; do
	[[ ! $kv =~ $range_re ]] || range_problems+=("$kv let in")
done
check "deb: dkms.conf admits kernels from 5.10 on (BUILD_EXCLUSIVE_KERNEL_MIN and, for DKMS 3.0, BUILD_EXCLUSIVE_KERNEL)" \
	"${range_problems[*]:-}" test ${#range_problems[@]} -eq 0

# ---- a driver built against the installed files alone ----
# build_external TAG NAME KVER INCLUDE SYMVERS: build samples/sample_wdm.c as an
# external module in its own directory with the given header directory and
# Module.symvers; pass when it builds with no warning, modpost resolves every
# ntwq symbol, and the module depends on ntwq.
build_external() {
	local name=$2 kver=$3 inc=$4 symvers=$5 dir log
	dir="$work/ext-$1-$kver"
	log="$dir/build.log"
	rm -rf "$dir"
	mkdir -p "$dir"
	cp "$NTWQ_ROOT/samples/sample_wdm.c" "$dir/"
	cat >"$dir/Kbuild" <<EOK
obj-m := ported_driver.o
ported_driver-y := sample_wdm.o
ccflags-y := -I$inc -Werror
EOK
	if ! make -C "/lib/modules/$kver/build" M="$dir" KBUILD_EXTRA_SYMBOLS="$symvers" \
		modules >"$log" 2>&1; then
		result fail "$name ($kver)" "build failed: $(grep -m1 -E 'error|undefined' "$log")"
		return
	fi
	if grep -qE 'warning:|WARNING:|undefined!' "$log"; then
		result fail "$name ($kver)" "$(grep -m1 -E 'warning:|WARNING:|undefined!' "$log")"
	elif [ "$(modinfo -F depends "$dir/ported_driver.ko")" != ntwq ]; then
		result fail "$name ($kver)" "depends: '$(modinfo -F depends "$dir/ported_driver.ko")'"
	else
		result ok "$name ($kver)"
	fi
}

for kver in "${kvers[@]}"; do
	build_external deb "deb: a driver builds against $src/include and DKMS's Module.symvers alone" \
		"$kver" "$src/include" "/var/lib/dkms/ntwq/$version/$kver/x86_64/Module.symvers"
done

# The same check must be able to fail: without ntwq's symbols modpost reports
# them undefined (a warning with KBUILD_MODPOST_WARN on every kernel).
kver=${kvers[-1]}
dir="$work/ext-nosymvers"
mkdir -p "$dir"
cp "$NTWQ_ROOT/samples/sample_wdm.c" "$dir/"
printf 'obj-m := ported_driver.o\nported_driver-y := sample_wdm.o\nccflags-y := -I%s\n' \
	"$src/include" >"$dir/Kbuild"
make -C "/lib/modules/$kver/build" M="$dir" KBUILD_MODPOST_WARN=1 modules >"$dir/build.log" 2>&1
check "deb: without Module.symvers modpost reports ntwq's symbols undefined (control)" \
	"no 'undefined!' in $dir/build.log" grep -q 'IoAllocateWorkItem.*undefined!' "$dir/build.log"

# ---- make install (staged) ----
kver=${kvers[-1]}
stage="$work/install-root"
copy="$work/install-src"
mkdir -p "$copy"
(cd "$NTWQ_ROOT" && git ls-files -z -c -o --exclude-standard | tar --null -T - -cf -) |
	tar -C "$copy" -xf -
devdir="$stage/usr/local/src/ntwq-$version"
if make -C "$copy" KDIR="/lib/modules/$kver/build" DESTDIR="$stage" install \
	>"$work/make-install.log" 2>&1 &&
	ls "$stage/lib/modules/$kver/updates/"ntwq.ko* >/dev/null 2>&1 &&
	ls "$stage/lib/modules/$kver/updates/"ntwq_sample_wdm.ko* >/dev/null 2>&1 &&
	[ -f "$devdir/include/ntwq/wdm.h" ] && [ -f "$devdir/$kver/Module.symvers" ]; then
	result ok "install: make install puts the modules, <ntwq/*.h> and Module.symvers in place ($kver)"
	build_external install "install: a driver builds against make install's headers and Module.symvers alone" \
		"$kver" "$devdir/include" "$devdir/$kver/Module.symvers"
else
	result fail "install: make install puts the modules, <ntwq/*.h> and Module.symvers in place ($kver)" \
		"see $work/make-install.log"
fi

# ---- removal ----
purge
left=()
status=$(dpkg-query -W -f='${Status}' ntwq-dkms 2>/dev/null)
[ -z "$status" ] || [ "$status" = "unknown ok not-installed" ] || left+=("dpkg: $status")
for path in /usr/src/ntwq-* /var/lib/dkms/ntwq* /lib/modules/*/updates/dkms/ntwq* \
	/lib/modules/*/updates/ntwq*; do
	[ -e "$path" ] && left+=("$path")
done
[ -z "$(dkms status -m ntwq 2>/dev/null)" ] || left+=("dkms status: $(dkms status -m ntwq | head -1)")
check "deb: apt purge leaves nothing behind (/usr/src, /var/lib/dkms, /lib/modules/*/updates)" \
	"${left[*]:-}" test ${#left[@]} -eq 0
exit $failed
