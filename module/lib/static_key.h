/* SPDX-License-Identifier: GPL-2.0 */
/*
 * static_key.h - static_key_false() for C++: a test of a kernel static key
 * that costs a NOP while the key is off.
 *
 * With CONFIG_JUMP_LABEL on x86-64 the test is what the kernel's
 * arch_static_branch() emits (arch/x86/include/asm/jump_label.h, the form
 * without objtool's jmp-to-NOP rewrite): a 5-byte NOP and a __jump_table
 * entry {NOP, taken-branch target, key}.  The module loader registers the
 * entry like a C one and static_key_enable() patches the NOP into a jump,
 * so the key's owner (a tracepoint, here) needs no help from C++.  Without
 * jump labels the test reads the key's count, as static_key_false() does.
 *
 * @key must be a link-time constant (a global's address plus an offset).
 */
#ifndef _NTWQ_LIB_STATIC_KEY_H
#define _NTWQ_LIB_STATIC_KEY_H

#include "cxx.h"
#include "ntwq_layout.h"

namespace ntwq {

/* True while the struct static_key at @key is enabled (off by default). */
NTWQ_ALWAYS_INLINE bool StaticKeyFalse(const void *key) noexcept
{
#if NTWQ_JUMP_LABEL && defined(__x86_64__)
	asm goto("1: .byte 0x0f, 0x1f, 0x44, 0x00, 0x00\n\t"
		 ".pushsection __jump_table, \"aw\"\n\t"
		 ".balign 8\n\t"
		 ".long 1b - .\n\t"
		 ".long %l[on] - .\n\t"
		 ".quad %c0 - .\n\t"
		 ".popsection\n\t"
		 : : "i"(key) : : on);
	return false;
on:
	return true;
#else
	/* struct static_key begins with its atomic_t enabled count. */
	return __builtin_expect(__atomic_load_n(static_cast<const int *>(key),
						__ATOMIC_RELAXED) > 0, 0);
#endif
}

} /* namespace ntwq */

#endif /* _NTWQ_LIB_STATIC_KEY_H */
