// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * One chosen failing allocation per thread; see failmalloc.h.  Every
 * malloc, calloc and realloc of the program's objects comes here by
 * -Wl,--wrap and goes on to the real one (under the sanitizers, theirs).
 */
#include <errno.h>
#include <stddef.h>

#include "failmalloc.h"

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);

/* the calling thread's allocations left before the failing one (0: off) */
static __thread uint64_t fm_left;
static __thread bool fm_hit;

void failmalloc_at(uint64_t n)
{
	fm_left = n;
	fm_hit = false;
}

bool failmalloc_hit(void)
{
	return fm_hit;
}

/* true when this allocation is the one to fail */
static bool fm_fail(void)
{
	if (!fm_left || --fm_left)
		return false;
	fm_hit = true;
	errno = ENOMEM;
	return true;
}

void *__wrap_malloc(size_t size)
{
	return fm_fail() ? NULL : __real_malloc(size);
}

void *__wrap_calloc(size_t n, size_t size)
{
	return fm_fail() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t size)
{
	return fm_fail() ? NULL : __real_realloc(p, size);
}
