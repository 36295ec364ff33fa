/* SPDX-License-Identifier: GPL-2.0 */
/*
 * spinlock.h - SpinLock, its lockdep class, and RAII guards.
 *
 *	static LockClass g_foo_class;            // one per lock class
 *	lock_.Init("ntwq_foo", g_foo_class);
 *	{
 *		SpinGuard<IrqSave> guard(lock_);  // released at scope exit
 *		...
 *	}
 *
 * A LockClass is the kernel's lock_class_key: it must live in static storage
 * (lockdep rejects keys on the stack or heap), one per class of lock, as
 * spin_lock_init() makes one per call site.
 */
#ifndef _NTWQ_LIB_SPINLOCK_H
#define _NTWQ_LIB_SPINLOCK_H

#include "bridge/bridge.h"
#include "atomic.h"
#include "cxx.h"
#include "ntwq_layout.h"
#include "opaque.h"

namespace ntwq {

class LockClass {
public:
	lock_class_key *Key() noexcept { return key_.Get(); }

private:
	Opaque<lock_class_key, NTWQ_SIZEOF_LOCK_CLASS_KEY, NTWQ_ALIGNOF_LOCK_CLASS_KEY> key_;
};

class SpinLock {
public:
	SpinLock() = default;
	SpinLock(const SpinLock &) = delete;
	SpinLock &operator=(const SpinLock &) = delete;

	void Init(const char *name, LockClass &cls) noexcept
	{
		ntwq_spin_lock_init(Raw(), name, cls.Key());
	}
	void Lock() noexcept { ntwq_spin_lock(Raw()); }
	void Unlock() noexcept { ntwq_spin_unlock(Raw()); }
	unsigned long LockIrqSave() noexcept { return ntwq_spin_lock_irqsave(Raw()); }
	void UnlockIrqRestore(unsigned long flags) noexcept
	{
		ntwq_spin_unlock_irqrestore(Raw(), flags);
	}
	bool IsLocked() noexcept { return ntwq_spin_is_locked(Raw()); }
	/* For methods named ...Locked(): lockdep checks the caller holds us. */
	void AssertHeld() noexcept { ntwq_lockdep_assert_held(Raw()); }

private:
	spinlock *Raw() noexcept { return lock_.Get(); }

	Opaque<spinlock, NTWQ_SIZEOF_SPINLOCK, NTWQ_ALIGNOF_SPINLOCK> lock_;
};

/* Guard modes: plain (never taken from irq context) or irq-saving. */
struct NoIrq {};
struct IrqSave {};

template <class Mode> class SpinGuard;

template <> class SpinGuard<NoIrq> {
public:
	NTWQ_ALWAYS_INLINE explicit SpinGuard(SpinLock &lock) noexcept : lock_(lock)
	{
		lock_.Lock();
	}
	NTWQ_ALWAYS_INLINE ~SpinGuard() { lock_.Unlock(); }
	SpinGuard(const SpinGuard &) = delete;
	SpinGuard &operator=(const SpinGuard &) = delete;

private:
	SpinLock &lock_;
};

template <> class SpinGuard<IrqSave> {
public:
	NTWQ_ALWAYS_INLINE explicit SpinGuard(SpinLock &lock) noexcept
		: lock_(lock), flags_(lock.LockIrqSave())
	{
	}
	NTWQ_ALWAYS_INLINE ~SpinGuard() { lock_.UnlockIrqRestore(flags_); }
	SpinGuard(const SpinGuard &) = delete;
	SpinGuard &operator=(const SpinGuard &) = delete;

private:
	SpinLock &lock_;
	unsigned long flags_;
};

/*
 * LeafLock - a lock for the inner levels only: always taken with a
 * SpinLock held and interrupts off, never with another LeafLock held, held
 * for a few instructions (the engine's busy-table buckets; only the
 * verifier's registry lock is ever taken inside one).  On a kernel without
 * lockdep it is a
 * test-and-set word taken inline, as the kernel's bit_spin_lock() is: no
 * call into the bridge or the kernel's lock functions (two calls each way
 * for a SpinLock).  On a lockdep kernel (the debug kernel) it is a SpinLock
 * of its own class, so lockdep still checks how it nests and lock
 * statistics count it.
 */
#if NTWQ_LOCKDEP
class LeafLock {
public:
	void Init(const char *name, LockClass &cls) noexcept { lock_.Init(name, cls); }
	NTWQ_ALWAYS_INLINE void Lock() noexcept { lock_.Lock(); }
	NTWQ_ALWAYS_INLINE void Unlock() noexcept { lock_.Unlock(); }

private:
	SpinLock lock_;
};
#else
class LeafLock {
public:
	void Init(const char *, LockClass &) noexcept { word_.Store(0); }
	NTWQ_ALWAYS_INLINE void Lock() noexcept
	{
		u32 free = 0;

		/* Acquire: the compare-and-exchange is fully ordered. */
		while (__builtin_expect(!word_.CompareExchange(free, 1), 0)) {
			while (word_.Load())
				asm volatile("pause" ::: "memory");
			free = 0;
		}
	}
	NTWQ_ALWAYS_INLINE void Unlock() noexcept { word_.StoreRelease(0); }

private:
	Atomic<u32> word_;
};
#endif

class LeafGuard {
public:
	NTWQ_ALWAYS_INLINE explicit LeafGuard(LeafLock &lock) noexcept : lock_(lock)
	{
		lock_.Lock();
	}
	NTWQ_ALWAYS_INLINE ~LeafGuard() { lock_.Unlock(); }
	LeafGuard(const LeafGuard &) = delete;
	LeafGuard &operator=(const LeafGuard &) = delete;

private:
	LeafLock &lock_;
};

} /* namespace ntwq */

#endif /* _NTWQ_LIB_SPINLOCK_H */
