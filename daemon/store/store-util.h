/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cvol store drivers: small helpers more than one driver uses (the file
 * store and the tests' in-memory store).  Part of the engine library.
 */
#ifndef CVOL_STORE_UTIL_H
#define CVOL_STORE_UTIL_H

#include <stdint.h>

/** cvol_store_hash() - FNV-1a hash of the object name @oid */
uint32_t cvol_store_hash(const char *oid);

/**
 * cvol_store_cas_check() - may a meta_cas() of @oid go ahead?
 * @oid: the metadata object
 * @cur: its current version (0: it does not exist)
 * @expect: the version the caller expects
 *
 * Return: 0 iff @cur is @expect, else -ECANCELED with a message.
 */
int cvol_store_cas_check(const char *oid, uint64_t cur, uint64_t expect);

#endif /* CVOL_STORE_UTIL_H */
