// SPDX-License-Identifier: GPL-2.0
/*
 * LD_PRELOAD shim for cvold (tests only): makes CVOL_IOC_COMMIT_FETCH fail
 * with EFAULT, as the kernel does when it cannot copy the completions in,
 * without calling the kernel: nothing is committed and nothing is handed
 * out.  Only calls that carry completions count, so a request the daemon
 * has served is always left outstanding in the kernel.
 *
 * CVOL_TEST_EFAULT_FETCH=N	the N-th such call fails, once
 * CVOL_TEST_EFAULT_FETCH=N+	the N-th and every later one fails
 * CVOL_TEST_EFAULT_ARM=PATH	count only the calls made while PATH exists
 *				(the test chooses which I/O is hit)
 *
 * Every injected failure writes "efault-fetch: injected EFAULT" to stderr.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/cvol.h>

static unsigned long calls;

int ioctl(int fd, unsigned long req, ...)
{
	static int (*real)(int, unsigned long, ...);
	const struct cvol_fetch *f;
	const char *spec, *arm;
	unsigned long n, nth;
	char *end;
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (!real)
		real = (int (*)(int, unsigned long, ...))dlsym(RTLD_NEXT,
							       "ioctl");
	f = arg;
	spec = getenv("CVOL_TEST_EFAULT_FETCH");
	arm = getenv("CVOL_TEST_EFAULT_ARM");
	if (req != CVOL_IOC_COMMIT_FETCH || !spec || !f->nr_done ||
	    (arm && access(arm, F_OK)))
		return real(fd, req, arg);
	nth = strtoul(spec, &end, 10);
	n = __atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED);
	if (n == nth || (*end == '+' && n > nth)) {
		static const char msg[] = "efault-fetch: injected EFAULT\n";

		ssize_t w = write(STDERR_FILENO, msg, sizeof(msg) - 1);

		(void)w; /* a lost line changes nothing */
		errno = EFAULT;
		return -1;
	}
	return real(fd, req, arg);
}
