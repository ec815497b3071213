// SPDX-License-Identifier: GPL-2.0
/*
 * cvold's log: one line per call on stderr (the journal under systemd),
 * stamped with the pid and the time, whole lines even from many threads.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

/* serialises log lines from all threads */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

void cvold_log(const char *fmt, ...)
{
	struct timespec ts;
	va_list ap;

	clock_gettime(CLOCK_REALTIME, &ts);
	pthread_mutex_lock(&log_lock);
	fprintf(stderr, "cvold[%d] %lld.%03ld: ", getpid(),
		(long long)ts.tv_sec, ts.tv_nsec / 1000000);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	pthread_mutex_unlock(&log_lock);
}
