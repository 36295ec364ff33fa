#!/usr/bin/env bash
# build.sh KID KDIR: build every module for one kernel in build/KID/src.
#
# Each kernel gets its own copy of the sources (Kbuild writes its outputs next
# to them), refreshed with timestamps kept so rebuilds are incremental.  Fails
# on any compiler, objtool or modpost warning: the log is build/KID/build.log.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kid=$1 kdir=$2
src="$NTWQ_BUILD/$kid/src"
log="$NTWQ_BUILD/$kid/build.log"
mkdir -p "$src"

# Copy the sources, never build outputs, into the kernel's own tree: the
# files git tracks or would track (.gitignore names every build output; an
# in-place build's layout.s for another kernel must not leak in).
dirs=(Kbuild Makefile VERSION include module kunit samples bench testmods stress shims scripts
	tools windrivers)
if git -C "$NTWQ_ROOT" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$NTWQ_ROOT" && git ls-files -z -c -o --exclude-standard -- "${dirs[@]}" |
		tar --null -T - -cf -) | tar -C "$src" -xf -
else
	(cd "$NTWQ_ROOT" && tar -cf - --exclude='*.o' --exclude='*.s' --exclude='*.ko' \
		--exclude='.*' --exclude='*.mod*' --exclude='*.symtypes' "${dirs[@]}") |
		tar -C "$src" -xf -
fi

# ntwq, then the NDIS shim and the NDIS sample as separate external builds
# that see only ntwq's public headers and the symbols its Module.symvers
# (and then ntwq_ndis's) exports: what a wrapper author's build sees.  The
# same for the Windows driver binary (MinGW-w64, pe2elf, generated wrappers
# and stub: windrivers/wdmtest/Kbuild).
if ! { make -C "$kdir" M="$src" modules &&
	make -C "$kdir" M="$src/shims/ndis" KBUILD_EXTRA_SYMBOLS="$src/Module.symvers" modules &&
	make -C "$kdir" M="$src/samples/ndis" \
		KBUILD_EXTRA_SYMBOLS="$src/Module.symvers $src/shims/ndis/Module.symvers" modules &&
	make -C "$kdir" M="$src/windrivers/wdmtest" KBUILD_EXTRA_SYMBOLS="$src/Module.symvers" modules
} >"$log" 2>&1; then
	grep -E 'error|Error' "$log" | head -20 >&2
	die "build for $kid failed (log: $log)"
fi
if grep -E 'warning:|WARNING:' "$log" >&2; then
	die "build for $kid has warnings (log: $log)"
fi
# MODULE_VERSION from VERSION (Kbuild refuses to build without it).
[ "$(modinfo -F version "$src/ntwq.ko")" = "$(cat "$NTWQ_ROOT/VERSION")" ] ||
	die "ntwq.ko for $kid has version '$(modinfo -F version "$src/ntwq.ko")', VERSION says '$(cat "$NTWQ_ROOT/VERSION")'"
say "built for $kid: $(cd "$src" && ls ./*.ko shims/ndis/*.ko samples/ndis/*.ko windrivers/*/*.ko 2>/dev/null |
	xargs -n1 basename | tr '\n' ' ')"
