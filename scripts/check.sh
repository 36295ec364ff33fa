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

# check.sh [STEP...]: the steps to run (kernel-doc checkpatch sparse: all).
steps=" ${*:-kernel-doc checkpatch sparse} "

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
if [ "${steps/kernel-doc/}" != "$steps" ]; then
	"$kscripts/kernel-doc" -none -Wall include/ntwq/*.h module/api/*.cpp module/bridge/*.c \
		>"$out/kernel-doc.log" 2>&1
	step kernel-doc "$out/kernel-doc.log"
fi

# ---- checkpatch ----
# Each group of files has its own short list of rules it cannot follow; any
# other finding fails.  Windows' type names (the headers' typedefs) are given
# to checkpatch with --typedefsfile, so "PVOID Context" reads as a declaration;
# longest first, as checkpatch tries them in order and would otherwise read
# PIO_WORKITEM_ROUTINE as PIO_WORKITEM followed by something else.
#
# The Windows-facing headers (include/ntwq/) declare Windows' API as Windows
# spells it:
#   NEW_TYPEDEFS   ULONG, PVOID, DRIVER_OBJECT, WDFOBJECT... are Windows'
#                  typedefs, and a ported driver uses them by those names;
#   CAMELCASE      IoQueueWorkItem, DeviceExtension, WorkerRoutine: Windows'
#                  names of routines, fields and parameters (only --strict
#                  reports it; listed so that a stricter run stays clean);
#   COMPLEX_MACRO  WDF_DECLARE_CONTEXT_TYPE_WITH_NAME declares a variable and
#                  an accessor, as KMDF's does, so it cannot be parenthesized;
#   VOLATILE       WORK_QUEUE_ITEM.Parameter is "volatile PVOID" in Windows'
#                  declaration, whose layout the header keeps exactly.
header_ignore=NEW_TYPEDEFS,CAMELCASE,COMPLEX_MACRO,VOLATILE
# The bridge (module/bridge/) wraps kernel facilities one to one for the C++,
# which cannot include kernel headers:
#   LINUX_VERSION_CODE, CONSTANT_COMPARISON  an out-of-tree module built for
#                  6.1 and 6.12 must switch on "LINUX_VERSION_CODE >=
#                  KERNEL_VERSION(...)" where the kernel API changed;
#   IN_ATOMIC, USE_LOCKDEP  ntwq_in_atomic() and ntwq_spin_is_locked() are the
#                  C++'s in_atomic() and spin_is_locked(): KeGetCurrentIrql()
#                  maps the preempt count to an IRQL (all supported kernels
#                  have CONFIG_PREEMPT_COUNT);
#   PRINTK_WITHOUT_KERN_LEVEL  ntwq_printk() takes the level as a string from
#                  its C++ caller;
#   PREFER_DEFINED_ATTRIBUTE_MACRO, NEW_TYPEDEFS  bridge.h is also compiled
#                  as C++, which has no kernel headers: no __printf(), and
#                  ntwq_gfp_t stands for gfp_t on both sides;
#   MACRO_ARG_UNUSED  ntwq_assign_str(dst, src) keeps __assign_str()'s
#                  pre-6.10 source argument so one TRACE_EVENT builds on 6.1
#                  and 6.12; from 6.10 on the source is unused.
bridge_ignore=LINUX_VERSION_CODE,CONSTANT_COMPARISON,IN_ATOMIC,USE_LOCKDEP
bridge_ignore+=,PRINTK_WITHOUT_KERN_LEVEL,PREFER_DEFINED_ATTRIBUTE_MACRO,NEW_TYPEDEFS
bridge_ignore+=,MACRO_ARG_UNUSED
# The other C (ntwq_main.c, the scenarios, the sample, KUnit, the benchmark):
#   EXPORT_SYMBOL  the Windows routines are defined in C++ (module/api/) and
#                  exported from module/ntwq_main.c, as EXPORT_SYMBOL is a C
#                  construct: the export cannot follow the definition;
#   NEW_TYPEDEFS, CAMELCASE, FUNCTION_ARGUMENTS  the scenarios are written as
#                  a ported KMDF driver writes them: a context type is a
#                  typedef that WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(TYPE,
#                  Accessor) names, which checkpatch reads as a prototype;
#   COMPLEX_MACRO  the scenario and expectation tables are built from macros
#                  that expand to rows of an initializer list;
#   EMBEDDED_FUNCTION_NAME  the verifier scenarios check that a diagnostic
#                  names the scenario's own function as its call site: the
#                  name in the string is the expected text, not a log prefix;
#   IN_ATOMIC      the scenarios' probe asks whether a routine ran in a task
#                  with preemption on: in_atomic() is that question (common.c
#                  is also built into the NDIS shim's test module, which has
#                  no bridge).
c_ignore=EXPORT_SYMBOL,NEW_TYPEDEFS,CAMELCASE,FUNCTION_ARGUMENTS,COMPLEX_MACRO
c_ignore+=,EMBEDDED_FUNCTION_NAME,IN_ATOMIC
# The benchmark (bench/, a measuring tool the package does not ship) also:
#   AVOID_EXTERNS  it declares ntwq_verifier weak, so that it still loads
#                  against an ntwq without that symbol (and says so);
#   YIELD          its producer yields to the consumers queued on its own CPU
#                  rather than sleep, which would add to what it measures.
bench_ignore=$c_ignore,AVOID_EXTERNS,YIELD
{
	sed -nE 's/^typedef [A-Za-z_ ]+[ *]([A-Za-z_][A-Za-z0-9_]*)\(.*/\1/p; t
		s/^typedef [^(]*[ *]([A-Za-z_][A-Za-z0-9_]*);.*/\1/p; t
		s/^\} ([A-Za-z_][A-Za-z0-9_]*)(, \*([A-Za-z_][A-Za-z0-9_]*))?;.*/\1\n\3/p' \
		include/ntwq/*.h
} | grep . | sort -u | awk '{ print length($0), $0 }' | sort -rn | cut -d" " -f2 \
	>"$out/windows-typedefs"
cp_args=(--no-tree --terse --show-types --no-summary --typedefsfile "$out/windows-typedefs")
checkpatch() { # checkpatch IGNORE FILE...
	local ignore=$1
	shift
	"$kscripts/checkpatch.pl" "${cp_args[@]}" --ignore "$ignore" -f "$@"
}
if [ "${steps/checkpatch/}" != "$steps" ]; then
	{
		checkpatch "$header_ignore" include/ntwq/*.h
		checkpatch "$bridge_ignore" module/bridge/*.[ch]
		checkpatch "$c_ignore" module/*.c module/selftest/*.[ch] module/core/internal.h \
			module/core/module.h module/lib/rt_stats.h samples/*.c kunit/*.c \
			testmods/*.c stress/*.c shims/ndis/*.c shims/ndis/test/*.[ch] \
			samples/ndis/*.c
		checkpatch "$bench_ignore" bench/*.c
	} >"$out/checkpatch.log" 2>&1
	step checkpatch "$out/checkpatch.log"
fi

# ---- sparse ----
[ "${steps/sparse/}" != "$steps" ] || exit $failed
eval "$("$NTWQ_ROOT/scripts/kernels.sh" stock-6.12 | grep '^KDIR=')"
src="$out/src"
rm -rf "$src"
mkdir -p "$src"
git ls-files -z -c -o --exclude-standard -- Kbuild Makefile VERSION include module kunit \
	samples bench testmods stress shims scripts | tar --null -T - -cf - | tar -C "$src" -xf -
if make -C "$KDIR" M="$src" C=2 modules >"$out/sparse-build.log" 2>&1; then
	# sparse's findings are "file:line:col: warning|error: ..." lines.
	grep -E '^[^ ]+:[0-9]+:[0-9]+: (warning|error):' "$out/sparse-build.log" >"$out/sparse.log"
else
	tail -20 "$out/sparse-build.log" >"$out/sparse.log"
fi
step "sparse (C=2)" "$out/sparse.log"

exit $failed
