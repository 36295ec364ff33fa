// SPDX-License-Identifier: GPL-2.0
/*
 * family.cpp - the slots of the API families shims register, and ntwq's own
 * family for Windows binaries' items in slot 0.
 */
#include "family.h"

#include "lib/atomic.h"
#include "lib/spinlock.h"

namespace ntwq {
namespace {

constexpr u32 kNameMax = 8; /* 7 characters and the NUL */

/* Field legend: L: g_lock; P: published by `used` (release), then constant. */
struct Slot {
	char name[kNameMax] = {};            /* P: set once, kept until ntwq unloads */
	Atomic<u32> used;                    /* L to write: a name is set */
	PNTWQ_API_FAMILY owner = nullptr;    /* L: the registered family, or nullptr */
	NTWQ_SHIM_IO_CALL *io_call = nullptr; /* L to write; read by dispatchers (family.h) */
	NTWQ_SHIM_EX_CALL *ex_call = nullptr; /* L to write */
};

LockClass g_lock_class;
SpinLock g_lock;
Slot g_slots[kShimFamilies];

bool SameName(const char *a, const char *b)
{
	for (u32 i = 0; i < kNameMax; i++) {
		if (a[i] != b[i])
			return false;
		if (!a[i])
			return true;
	}
	return true;
}

u32 NameLength(const char *name)
{
	u32 n = 0;

	while (n < kNameMax && name[n])
		n++;
	return n;
}

char Lower(char c)
{
	return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

Slot *SlotOf(Api api)
{
	return IsShim(api) && api < Api::Count
		       ? &g_slots[static_cast<u32>(api) - static_cast<u32>(Api::Shim0)]
		       : nullptr;
}

/*
 * The Windows binaries' family.  A binary hands ntwq routines compiled for
 * the Windows x64 convention (arguments in RCX, RDX, R8, R9; RSI, RDI and
 * XMM6-15 preserved by the callee; 32 bytes of home space the caller
 * reserves); these call them through pointer types that say so.
 *
 * One Io call for both routine types: IO_WORKITEM_ROUTINE takes
 * (DeviceObject, Context), the first two parameters of
 * IO_WORKITEM_ROUTINE_EX (IoObject, Context, IoWorkItem).  Under the
 * Windows convention the third argument travels in R8, which a
 * two-parameter routine never reads, and the home space is reserved by the
 * caller whatever the count, so calling either type with three arguments
 * is exact.  (The engine does not tell an adapter which queue call was
 * used; this is why it need not.)
 */
typedef VOID(__attribute__((ms_abi)) * BinaryIoRoutine)(PVOID IoObject, PVOID Context,
						      PIO_WORKITEM IoWorkItem);
typedef VOID(__attribute__((ms_abi)) * BinaryExRoutine)(PVOID Parameter);

VOID BinaryIoCall(PVOID routine, PVOID io_object, PVOID context, PIO_WORKITEM io_work_item)
{
	reinterpret_cast<BinaryIoRoutine>(routine)(io_object, context, io_work_item);
}

VOID BinaryExCall(PVOID routine, PVOID parameter, PWORK_QUEUE_ITEM)
{
	reinterpret_cast<BinaryExRoutine>(routine)(parameter);
}

/* I: registered by Init, never unregistered; its slot's name is "win". */
NTWQ_API_FAMILY g_binary_family = { "win", BinaryIoCall, BinaryExCall, 0 };

} /* namespace */

void Families::Init() noexcept
{
	g_lock.Init("ntwq_families", g_lock_class);
	/* Slot 0, Binary(), before anything can register; never unregistered. */
	Slot *s = &g_slots[0];
	for (u32 i = 0; g_binary_family.Name[i]; i++)
		s->name[i] = g_binary_family.Name[i];
	s->owner = &g_binary_family;
	s->io_call = g_binary_family.IoCall;
	s->ex_call = g_binary_family.ExCall;
	s->used.StoreRelease(1);
}

NTSTATUS Families::Register(PNTWQ_API_FAMILY family) noexcept
{
	if (!family || !family->Name || (!family->IoCall && !family->ExCall))
		return STATUS_INVALID_PARAMETER;
	u32 len = NameLength(family->Name);
	if (len == 0 || len >= kNameMax)
		return STATUS_INVALID_PARAMETER;

	SpinGuard<IrqSave> guard(g_lock);
	Slot *free_slot = nullptr;
	for (u32 i = 0; i < kShimFamilies; i++) {
		Slot *s = &g_slots[i];
		if (!s->used.Load()) {
			if (!free_slot)
				free_slot = s;
			continue;
		}
		if (!SameName(s->name, family->Name))
			continue;
		if (s->owner)
			return STATUS_INVALID_PARAMETER; /* registered by another shim */
		free_slot = s;
		break;
	}
	if (!free_slot)
		return STATUS_INSUFFICIENT_RESOURCES;
	if (!free_slot->used.Load()) {
		for (u32 i = 0; i <= len; i++)
			free_slot->name[i] = family->Name[i];
	}
	free_slot->owner = family;
	free_slot->io_call = family->IoCall;
	free_slot->ex_call = family->ExCall;
	family->Id = static_cast<ULONG>(free_slot - g_slots);
	free_slot->used.StoreRelease(1);
	return STATUS_SUCCESS;
}

void Families::Unregister(PNTWQ_API_FAMILY family) noexcept
{
	SpinGuard<IrqSave> guard(g_lock);
	for (u32 i = 0; i < kShimFamilies; i++) {
		if (family && g_slots[i].owner == family) {
			g_slots[i].owner = nullptr;
			g_slots[i].io_call = nullptr;
			g_slots[i].ex_call = nullptr;
		}
	}
}

Api Families::Of(PNTWQ_API_FAMILY family) noexcept
{
	if (!family || family->Id >= kShimFamilies)
		return Api::Count;
	Slot *s = &g_slots[family->Id];
	if (!s->used.LoadAcquire() || __atomic_load_n(&s->owner, __ATOMIC_RELAXED) != family)
		return Api::Count;
	return static_cast<Api>(static_cast<u32>(Api::Shim0) + family->Id);
}

const char *Families::Name(Api api) noexcept
{
	Slot *s = SlotOf(api);

	return s && s->used.LoadAcquire() ? s->name : "";
}

const char *Families::Prefixing(const char *routine) noexcept
{
	for (u32 i = 0; routine && i < kShimFamilies; i++) {
		Slot *s = &g_slots[i];
		u32 n = 0;

		if (!s->used.LoadAcquire())
			continue;
		while (s->name[n] && routine[n] && Lower(routine[n]) == Lower(s->name[n]))
			n++;
		if (!s->name[n])
			return s->name;
	}
	return nullptr;
}

NTWQ_SHIM_IO_CALL *Families::IoCall(Api api) noexcept
{
	Slot *s = SlotOf(api);

	return s ? __atomic_load_n(&s->io_call, __ATOMIC_ACQUIRE) : nullptr;
}

NTWQ_SHIM_EX_CALL *Families::ExCall(Api api) noexcept
{
	Slot *s = SlotOf(api);

	return s ? __atomic_load_n(&s->ex_call, __ATOMIC_ACQUIRE) : nullptr;
}

} /* namespace ntwq */
