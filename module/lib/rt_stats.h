/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rt_stats.h - the C face of ntwq's allocator (lib/runtime.cpp): the
 * functions behind `new (Gfp::...)` and their counters.  C and C++.
 */
#ifndef _NTWQ_LIB_RT_STATS_H
#define _NTWQ_LIB_RT_STATS_H

#ifdef __cplusplus
extern "C" {
#endif

/* ntwq_rt_alloc - @size zeroed bytes after the fault-injection point, or NULL. */
void *ntwq_rt_alloc(__SIZE_TYPE__ size, unsigned int gfp);
/* ntwq_rt_free - free what ntwq_rt_alloc() returned; NULL is ignored. */
void ntwq_rt_free(void *ptr);

struct ntwq_rt_stats {
	unsigned long long allocations; /* successful allocations */
	unsigned long long frees;       /* frees of non-NULL pointers */
	unsigned long long failures;    /* allocations that returned NULL */
	unsigned long long bytes;       /* bytes handed out, in all (not live) */
};
void ntwq_rt_get_stats(struct ntwq_rt_stats *stats);

#ifdef __cplusplus
}
#endif

#endif /* _NTWQ_LIB_RT_STATS_H */
