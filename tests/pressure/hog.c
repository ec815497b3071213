// SPDX-License-Identifier: GPL-2.0
/*
 * hog: memory pressure and known data for the memory-pressure test.
 *
 *   hog lock MIB        lock MIB of anonymous memory (mlock), print
 *                       "locked", then sleep until killed
 *   hog churn MIB       allocate, touch and free MIB of anonymous memory,
 *                       again and again until killed
 *   hog gen SEED MIB    write MIB of pseudo-random data, a function of
 *                       SEED and the offset only, to standard output
 *
 * Exit status: 0, or 1 with a message on standard error.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define MIB (1UL << 20)

static int usage(void)
{
	fprintf(stderr, "usage: hog lock MIB | churn MIB | gen SEED MIB\n");
	return 1;
}

static int parse(const char *s, unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(s, &end, 10);
	return errno || end == s || *end ? -1 : 0;
}

static void touch(char *p, size_t len)
{
	size_t off;

	for (off = 0; off < len; off += 4096)
		p[off] = (char)(off >> 12);
}

static int hog_lock(unsigned long mib)
{
	size_t len = mib * MIB;
	char *p;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	if (p == MAP_FAILED) {
		perror("hog: mmap");
		return 1;
	}
	if (mlock(p, len)) {
		perror("hog: mlock");
		return 1;
	}
	touch(p, len);
	printf("locked %lu MiB\n", mib);
	fflush(stdout);
	for (;;)
		pause();
}

static __attribute__((noreturn)) void hog_churn(unsigned long mib)
{
	size_t len = mib * MIB;
	char *p;

	for (;;) {
		p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			usleep(10000);
			continue;
		}
		touch(p, len);
		munmap(p, len);
	}
}

static int hog_gen(unsigned long seed, unsigned long mib)
{
	static uint64_t buf[MIB / 8];
	unsigned long m;
	size_t i;

	for (m = 0; m < mib; m++) {
		for (i = 0; i < MIB / 8; i++) {
			/* splitmix64 of (seed, offset): any block checks alone */
			uint64_t z =
				seed * 0x9e3779b97f4a7c15ULL +
				(m * (MIB / 8) + i) * 0xbf58476d1ce4e5b9ULL;

			z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
			z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
			buf[i] = z ^ (z >> 31);
		}
		if (fwrite(buf, sizeof(buf), 1, stdout) != 1) {
			perror("hog: write");
			return 1;
		}
	}
	return fflush(stdout) ? 1 : 0;
}

int main(int argc, char **argv)
{
	unsigned long a, b;

	if (argc == 3 && !strcmp(argv[1], "lock") && !parse(argv[2], &a))
		return hog_lock(a);
	if (argc == 3 && !strcmp(argv[1], "churn") && !parse(argv[2], &a))
		hog_churn(a);
	if (argc == 4 && !strcmp(argv[1], "gen") && !parse(argv[2], &a) &&
	    !parse(argv[3], &b))
		return hog_gen(a, b);
	return usage();
}
