// SPDX-License-Identifier: GPL-2.0
/*
 * Store conformance: two separate store instances (for rados: two RADOS
 * clients) race meta_cas() on one object for 100 rounds; each round
 * exactly one wins and the object holds its bytes and version.
 */
#include "race.h"

int main(void)
{
	struct cvol_store *a = st_open(), *b = st_open();

	race(a, b);
	cvol_store_close(b);
	cvol_store_close(a);
	return 0;
}
