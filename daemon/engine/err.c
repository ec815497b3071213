// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Per-thread last-error message; see err.h.
 */
#include <stdio.h>

#include "engine/err.h"

#define CVOL_ERRMSG_MAX 512

static __thread char cvol_errbuf[CVOL_ERRMSG_MAX];

int cvol_seterr(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cvol_errbuf, sizeof(cvol_errbuf), fmt, ap);
	va_end(ap);
	return err;
}

const char *cvol_errmsg(void)
{
	return cvol_errbuf;
}

void cvol_clearerr(void)
{
	cvol_errbuf[0] = '\0';
}
