/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Error convention shared by the engine, the store drivers and cvold.
 *
 * Every action function returns 0 (or a non-negative count) on success and
 * -errno on failure.  A failing function also records a one-line message
 * for the caller in a per-thread buffer with cvol_seterr(); callers read it
 * with cvol_errmsg().  Library code never prints and never exits.
 */
#ifndef CVOL_ERR_H
#define CVOL_ERR_H

#include <stdarg.h>

/**
 * cvol_seterr() - record the calling thread's last error message
 * @err: negative errno to return
 * @fmt: printf-style message without a trailing newline
 *
 * Return: @err, so callers can write `return cvol_seterr(-EINVAL, ...)`.
 */
int cvol_seterr(int err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/** cvol_errmsg() - the calling thread's last error message ("" if none) */
const char *cvol_errmsg(void);

/** cvol_clearerr() - forget the calling thread's last error message */
void cvol_clearerr(void);

#endif /* CVOL_ERR_H */
