// SPDX-License-Identifier: GPL-2.0
/*
 * Store conformance: two threads sharing one store instance race
 * meta_cas() on one object for 100 rounds; each round exactly one wins
 * and the object holds its bytes and version (see race.h).
 */
#include "race.h"

int main(void)
{
	struct cvol_store *st = st_open();

	race(st, st);
	cvol_store_close(st);
	return 0;
}
