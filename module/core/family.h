/* SPDX-License-Identifier: GPL-2.0 */
/*
 * family.h - API families whose routines are called through an adapter:
 * the ones shims register (<ntwq/shim.h>), and ntwq's own for Windows
 * binaries (<ntwq/binary.h>).
 *
 * Design note.  A shim (NDIS) gives its drivers work items with other
 * routine signatures and names.  It registers a family, which takes one of
 * kShimFamilies slots: Api::Shim0 + slot tags its items, so stats count
 * them in rows of their own and debugfs `items` names them, and the
 * dispatchers call their routines through the family's call functions.
 *
 * Slot 0 is taken at load by ntwq's family "win": the items of a Windows
 * driver binary (docs/binary-drivers.md), whose routines have the Windows
 * x64 calling convention.  Its call functions call them through ms_abi
 * pointer types, so the dispatchers need no case of their own for them.
 * Shims get the other NTWQ_MAX_API_FAMILIES slots.
 *
 * Lifetime: a slot's name is set at the first registration and kept until
 * ntwq unloads (a reloaded shim gets its slot and counters back); its call
 * functions are set while the shim is registered.  Every item of a family
 * pins a driver module that depends on the shim, so no call function is
 * read after the shim unregisters.  Registration takes the lock; readers
 * (queue, dispatch, debugfs) read a slot's fields without it, after the
 * acquire load of `used` that publishes them.
 */
#ifndef _NTWQ_CORE_FAMILY_H
#define _NTWQ_CORE_FAMILY_H

#include <ntwq/shim.h>

#include "lib/cxx.h"
#include "stats.h"

namespace ntwq {

class Families {
public:
	/* At load, before anything can register: takes slot 0 for Binary(). */
	static void Init() noexcept;
	/* The family of the items Windows binaries queue (slot 0, "win"). */
	static constexpr Api Binary() noexcept { return Api::Shim0; }
	static NTSTATUS Register(PNTWQ_API_FAMILY family) noexcept;
	static void Unregister(PNTWQ_API_FAMILY family) noexcept;
	/* The Api of a registered family, or Api::Count (not registered). */
	static Api Of(PNTWQ_API_FAMILY family) noexcept;
	/* A slot's name, or "" if it was never registered. */
	static const char *Name(Api api) noexcept;
	/* The name of a family @routine begins with, case aside (a shim's
	 * routines are named after it: NdisQueueIoWorkItem), or nullptr. */
	static const char *Prefixing(const char *routine) noexcept;
	static NTWQ_SHIM_IO_CALL *IoCall(Api api) noexcept;
	static NTWQ_SHIM_EX_CALL *ExCall(Api api) noexcept;
	/* Slot number + 1 of a shim Api, for tags; 0 for a built-in family. */
	static u32 Tag(Api api) noexcept
	{
		return IsShim(api) ? static_cast<u32>(api) - static_cast<u32>(Api::Shim0) + 1 : 0;
	}
	static Api FromTag(u32 tag) noexcept
	{
		return tag ? static_cast<Api>(static_cast<u32>(Api::Shim0) + tag - 1) : Api::Ex;
	}
};

} /* namespace ntwq */

#endif /* _NTWQ_CORE_FAMILY_H */
