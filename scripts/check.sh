#!/usr/bin/env bash
# check.sh - what `make check` runs: the kernel's static checkers on the C.
#
#   kernel-doc  scripts/kernel-doc -none -Wall on the public headers, the api
#               files and the bridge: no warning;
#   checkpatch  scripts/checkpatch.pl --no-tree -f on every kernel C file and
#               C header: no error or warning beyond the rules listed below;
#   sparse      every module built with C=2 (sparse on each C file) against
#               the stock 6.12 headers, in build/check: no warning.
#
# C++ (module/{api,core,lib}/*.cpp and the headers only C++ includes:
# module/core/*.h, module/lib/*.h) is not checkpatch's or sparse's business:
# both parse C only (checkpatch would flag every "Init()" and namespace), and
# the C++ has its own style (STYLE.md) and compiler checks.  userspace-test/
# is a user-space program, not kernel code.  The tools come from Debian:
# sparse, and linux-source-6.12's scripts (scripts/kernel-scripts.sh).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

cd "$NTWQ_ROOT"
need_pkgs sparse
kscripts=$("$NTWQ_ROOT/scripts/kernel-scripts.sh") || die "no kernel-doc/checkpatch"
out="$NTWQ_BUILD/check"
mkdir -p "$out"
failed=0
step() { # step NAME LOG: report a step's findings
	if [ -s "$2" ]; then
		say "$1: $(grep -c . "$2") findings"
		cat "$2" >&2
		failed=1
	else
		say "$1: clean"
	fi
}

# ---- kernel-doc ----
"$kscripts/kernel-doc" -none -Wall include/ntwq/*.h module/api/*.cpp module/bridge/*.c \
	>"$out/kernel-doc.log" 2>&1
step kernel-doc "$out/kernel-doc.log"

# ---- checkpatch ----
# The Windows-facing headers (include/ntwq/) declare Windows' API under its
# own names, so they cannot follow these rules:
#   NEW_TYPEDEFS   ULONG, PVOID, DRIVER_OBJECT, WDFOBJECT... are Windows'
#                  typedefs; a ported driver spells them so.  (Also the
#                  WDF context types of the KMDF scenarios, which
#                  WDF_DECLARE_CONTEXT_TYPE names by typedef.)
#   CAMELCASE      IoQueueWorkItem, DeviceExtension, WorkerRoutine: Windows'
#                  names for routines, fields and parameters (only --strict
#                  reports it; listed so a stricter run stays clean).
#   COMPLEX_MACRO  WDF_DECLARE_CONTEXT_TYPE_WITH_NAME declares a variable and
#                  an accessor, as KMDF's does; it cannot be parenthesized.
# And one rule the C files cannot follow:
#   EXPORT_SYMBOL  the Windows routines are defined in C++ (module/api/) and
#                  exported from module/ntwq_main.c, as EXPORT_SYMBOL is a C
#                  construct: the export cannot follow the definition.
# Windows' type names are given to checkpatch (--typedefsfile, made from the
# headers' typedefs) so that "PVOID Context" is read as a declaration.
header_ignore=NEW_TYPEDEFS,CAMELCASE,COMPLEX_MACRO,EXPORT_SYMBOL
c_ignore=NEW_TYPEDEFS,CAMELCASE,EXPORT_SYMBOL
sed -nE 's/^typedef .*[ *(]([A-Za-z_][A-Za-z0-9_]*)\)?(\(.*\))?;.*/\1/p;
	s/^\} ([A-Za-z_][A-Za-z0-9_]*)(, \*([A-Za-z_][A-Za-z0-9_]*))?;.*/\1\n\3/p' \
	include/ntwq/*.h | grep . | sort -u >"$out/windows-typedefs"
c_files=(module/*.c module/bridge/*.[ch] module/selftest/*.[ch] module/core/internal.h
	module/core/module.h module/lib/rt_stats.h samples/*.c bench/*.c kunit/*.c)
cp_args=(--no-tree --terse --show-types --no-summary --typedefsfile "$out/windows-typedefs")
{
	"$kscripts/checkpatch.pl" "${cp_args[@]}" --ignore "$header_ignore" -f include/ntwq/*.h
	"$kscripts/checkpatch.pl" "${cp_args[@]}" --ignore "$c_ignore" -f "${c_files[@]}"
} >"$out/checkpatch.log" 2>&1
step checkpatch "$out/checkpatch.log"

# ---- sparse ----
eval "$("$NTWQ_ROOT/scripts/kernels.sh" stock-6.12 | grep '^KDIR=')"
src="$out/src"
rm -rf "$src"
mkdir -p "$src"
git ls-files -z -c -o --exclude-standard -- Kbuild Makefile VERSION include module kunit \
	samples bench scripts | tar --null -T - -cf - | tar -C "$src" -xf -
if make -C "$KDIR" M="$src" C=2 modules >"$out/sparse-build.log" 2>&1; then
	# sparse's findings are "file:line:col: warning|error: ..." lines.
	grep -E '^[^ ]+:[0-9]+:[0-9]+: (warning|error):' "$out/sparse-build.log" >"$out/sparse.log"
else
	tail -20 "$out/sparse-build.log" >"$out/sparse.log"
fi
step "sparse (C=2)" "$out/sparse.log"

exit $failed
