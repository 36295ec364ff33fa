// SPDX-License-Identifier: GPL-2.0
/*
 * common.c - the scenarios' shared helpers (snapshot, totals, probes),
 * compiled into ntwq_ndis_test from module/selftest/ so the NDIS scenarios
 * report exactly what ntwq's own do.
 */
#include "selftest/common.c"
