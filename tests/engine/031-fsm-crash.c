// SPDX-License-Identifier: LGPL-2.1-or-later
/* cvol-lane: host */
/* cvol-timeout: 600 */
/*
 * The crash test (030-crash.c) on the real file store over the fsmodel
 * file system (tests/lib/fsmodel.h) instead of the mem store: the workload
 * stops before a state-changing file system call (write, truncate,
 * fdatasync, fsync, create, rename, unlink, ...) and the power is cut,
 * losing everything that was not durable or tearing it (pages old or new,
 * any size since the last sync, directory changes kept or lost), or the
 * process dies (fsmodel_kill(): the page cache stays); then the pool is
 * recovered and checked as in 030, and the interrupted step is done again,
 * flushed and must survive a second power cut.  By default every call of
 * a plain I/O step gets one of the three ends in turn (CVOL_CRASH_STRIDE=3,
 * about 45 s); CVOL_CRASH_STRIDE=1 gives every call all three.
 */
#define CRASH_FSMODEL 1
#include "030-crash.c"
