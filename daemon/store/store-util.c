// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Helpers shared by the store drivers; see store-util.h.
 */
#include <errno.h>

#include "engine/err.h"
#include "store/store-util.h"

uint32_t cvol_store_hash(const char *oid)
{
	uint32_t h = 2166136261u;

	for (; *oid; oid++) {
		h ^= (unsigned char)*oid;
		h *= 16777619u;
	}
	return h;
}

int cvol_store_cas_check(const char *oid, uint64_t cur, uint64_t expect)
{
	if (cur == expect)
		return 0;
	return cvol_seterr(-ECANCELED,
			   "metadata %s changed: version %llu, expected %llu",
			   oid, (unsigned long long)cur,
			   (unsigned long long)expect);
}
