#!/bin/sh
# check-cxx-object.sh READELF NM OBJECT
#
# Fails if a kernel C++ object needs what a module cannot give it: sections
# the module loader never runs (.init_array, .ctors, .fini_array, .dtors:
# global constructors and destructors), or C++ runtime symbols the kernel
# does not have (a plain throwing new, static-guard locks, atexit, exception
# personality and unwinding, RTTI).
set -eu
readelf=$1 nm=$2 obj=$3
bad=0

# GCC's sanitizers (KCSAN's -fsanitize=thread) add their own constructor at
# the reserved priority 99, .init_array.00099: the kernel selects
# CONFIG_CONSTRUCTORS for them and the module loader runs those.  Anything
# else is a C++ global constructor.
sections=$($readelf -W -S "$obj" | grep -oE '\.(init_array|fini_array|preinit_array|ctors|dtors)[^ ]*' |
	grep -vx '\.init_array\.00099' || true)
if [ -n "$sections" ]; then
	echo "$obj: has $(echo $sections | tr '\n' ' '): a global object with a constructor or destructor; the module loader never runs them" >&2
	bad=1
fi

# Constructor/destructor alias groups (C5/D5): ld -r may discard them while the
# kernel's __patchable_function_entries still points into them.
groups=$($readelf -W -g "$obj" 2>/dev/null | grep -oE '\[_Z[A-Za-z0-9_]*[CD]5Ev\]' || true)
if [ -n "$groups" ]; then
	echo "$obj: out-of-line constructor/destructor in a C5/D5 COMDAT group: $(echo $groups | tr '\n' ' ')" >&2
	echo "$obj: (mark it NTWQ_ALWAYS_INLINE, or define it in one .cpp file)" >&2
	bad=1
fi

undefined=$($nm -u "$obj" | awk '{print $2}' |
	grep -E '^(_Znwm|_Znam|_ZnwmRKSt9nothrow_t|__cxa_guard_|__cxa_atexit|__dso_handle|__gxx_personality_v0|_Unwind_|__cxa_begin_catch|__cxa_throw|__cxa_allocate_exception|_ZTI|_ZTVN10__cxxabiv)' || true)
if [ -n "$undefined" ]; then
	echo "$obj: needs C++ runtime symbols the kernel does not have: $(echo $undefined | tr '\n' ' ')" >&2
	echo "$obj: (allocate with 'new (Gfp::Kernel) T', never a plain 'new')" >&2
	bad=1
fi
exit $bad
