/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * failmalloc: make one chosen allocation of a test program fail, to test
 * the engine's ENOMEM paths.
 *
 * Test programs link tests/lib/failmalloc.o with FAILMALLOC_WRAP (see
 * tests/lib/build.mk: -Wl,--wrap=malloc,calloc,realloc), which sends the
 * allocations of every object of the program (libcvolengine.a included)
 * through the counter here; allocations inside shared libraries (libc's
 * own strdup, for one) are not seen.  cvold and libcvolengine.a never
 * link it.  Counting is per thread: only the thread that armed the
 * failure counts and fails.
 */
#ifndef CVOL_FAILMALLOC_H
#define CVOL_FAILMALLOC_H

#include <stdbool.h>
#include <stdint.h>

/**
 * failmalloc_at() - make the calling thread's @n-th allocation from now
 * (1: the next one) fail with ENOMEM, once; 0 disarms.  Forgets whether
 * an earlier one hit.
 */
void failmalloc_at(uint64_t n);

/** failmalloc_hit() - did the armed allocation fail (since failmalloc_at)? */
bool failmalloc_hit(void);

#endif /* CVOL_FAILMALLOC_H */
