/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cxx.h - the freestanding basics ntwq's C++ uses instead of a standard
 * library: fixed-width integers, Move/Forward, placement new.
 */
#ifndef _NTWQ_LIB_CXX_H
#define _NTWQ_LIB_CXX_H

#ifndef __cplusplus
#error "C++ only"
#endif

typedef __SIZE_TYPE__ size_t;

namespace ntwq {

using u8 = unsigned char;
using u32 = unsigned int;
using u64 = unsigned long long;
using s64 = long long;
using uintptr = __UINTPTR_TYPE__;

template <class T> struct RemoveReference { using Type = T; };
template <class T> struct RemoveReference<T &> { using Type = T; };
template <class T> struct RemoveReference<T &&> { using Type = T; };

template <class T> constexpr typename RemoveReference<T>::Type &&Move(T &&v) noexcept
{
	return static_cast<typename RemoveReference<T>::Type &&>(v);
}

template <class T> constexpr T &&Forward(typename RemoveReference<T>::Type &v) noexcept
{
	return static_cast<T &&>(v);
}

template <class T, size_t N> constexpr size_t ArraySize(const T (&)[N]) noexcept
{
	return N;
}

/* Kernel errno values (the kernel ABI; uapi/asm-generic/errno-base.h). */
enum : int {
	kENOENT = 2,
	kEIO = 5,
	kE2BIG = 7,
	kENOMEM = 12,
	kEBUSY = 16,
	kEINVAL = 22,
	kENOSPC = 28,
	kERANGE = 34,
	kEOPNOTSUPP = 95,
	kESHUTDOWN = 108,
	kETIMEDOUT = 110,
};

/*
 * For constructors and destructors of small RAII types: an out-of-line copy
 * would sit in a C5/D5 COMDAT group, which the kernel's patchable function
 * entries cannot reference once ld -r discards duplicate groups
 * (scripts/check-cxx-object.sh rejects such groups).
 */
#define NTWQ_ALWAYS_INLINE inline __attribute__((__always_inline__))

/* KERN_* level strings for ntwq_printk(). */
#define NTWQ_KERN_ERR "\0013"
#define NTWQ_KERN_WARNING "\0014"
#define NTWQ_KERN_INFO "\0016"

} /* namespace ntwq */

/* Placement new: constructs in storage the caller owns. */
inline void *operator new(size_t, void *where) noexcept
{
	return where;
}

#endif /* _NTWQ_LIB_CXX_H */
