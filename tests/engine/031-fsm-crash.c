// SPDX-License-Identifier: LGPL-2.1-or-later
/* cvol-lane: host */
/* cvol-timeout: 600 */
/*
 * The crash test (030-crash.c) on the real file store over the fsmodel
 * file system (tests/lib/fsmodel.h) instead of the mem store: the power
 * is cut before every state-changing file system call of the workload
 * (write, truncate, fdatasync, fsync, create, rename, unlink, ...), once
 * losing everything that was not durable and once tearing it (pages old
 * or new, any size since the last sync, directory changes kept or lost),
 * then the pool is recovered and checked as in 030, and the interrupted
 * step is done again, flushed and must survive a second power cut.
 */
#define CRASH_FSMODEL 1
#include "030-crash.c"
