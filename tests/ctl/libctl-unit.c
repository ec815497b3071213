// SPDX-License-Identifier: GPL-2.0
/*
 * libcvolctl argument validation and error strings (sanitized build):
 * name and size parsing, checks done before contacting cvold, the
 * message naming the fix when cvold is not running or cvol.ko is not
 * loaded, and errors relayed from cvold (stubd when CVOL_SOCKET is set).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cvol/ctl.h>

static int failures;

#define EXPECT(cond, ...)                                   \
	do {                                                \
		if (!(cond)) {                              \
			printf("FAIL line %d: ", __LINE__); \
			printf(__VA_ARGS__);                \
			printf("\n");                       \
			failures++;                         \
		}                                           \
	} while (0)

/* @ret must be @err with exactly message @msg */
static void expect_err(int line, int ret, int err, const char *msg)
{
	if (ret != err || strcmp(cvol_ctl_error(), msg)) {
		printf("FAIL line %d: got %d \"%s\", want %d \"%s\"\n", line,
		       ret, cvol_ctl_error(), err, msg);
		failures++;
	}
}

#define EXPECT_ERR(ret, err, msg) expect_err(__LINE__, ret, err, msg)

/* parsing @name must fail: invalid @kind name "@shown" */
static void expect_bad_name(int line, const char *name, const char *kind,
			    const char *shown)
{
	struct cvol_ctl_name n;
	char msg[256];

	snprintf(
		msg, sizeof(msg),
		"invalid %s name \"%s\" (1-63 of A-Z a-z 0-9 . _ -, not starting with . or -)",
		kind, shown);
	expect_err(line, cvol_ctl_parse_name(name, 0, &n), -EINVAL, msg);
}

#define EXPECT_BAD_NAME(name, kind, shown) \
	expect_bad_name(__LINE__, name, kind, shown)

static void test_names(void)
{
	struct cvol_ctl_name n;
	char long_name[80];

	EXPECT(cvol_ctl_name_valid("vm-1.disk_0"), "valid name rejected");
	EXPECT(!cvol_ctl_name_valid(""), "empty name accepted");
	EXPECT(!cvol_ctl_name_valid(".x"), "leading dot accepted");
	EXPECT(!cvol_ctl_name_valid("-x"), "leading dash accepted");
	EXPECT(!cvol_ctl_name_valid("a/b"), "slash accepted");
	memset(long_name, 'a', 64);
	long_name[64] = '\0';
	EXPECT(!cvol_ctl_name_valid(long_name), "64-byte name accepted");
	long_name[63] = '\0';
	EXPECT(cvol_ctl_name_valid(long_name), "63-byte name rejected");

	EXPECT(!cvol_ctl_parse_name("vm1", 0, &n), "%s", cvol_ctl_error());
	EXPECT(!strcmp(n.pool, "default") && !strcmp(n.vol, "vm1") && !*n.snap,
	       "vm1 -> %s/%s@%s", n.pool, n.vol, n.snap);
	EXPECT(!cvol_ctl_parse_name("fast/vm1@s1", 0, &n), "%s",
	       cvol_ctl_error());
	EXPECT(!strcmp(n.pool, "fast") && !strcmp(n.vol, "vm1") &&
		       !strcmp(n.snap, "s1"),
	       "fast/vm1@s1 -> %s/%s@%s", n.pool, n.vol, n.snap);
	EXPECT_BAD_NAME("a b", "volume", "a b");
	EXPECT_BAD_NAME("/vm", "pool", "");
	EXPECT_BAD_NAME("p/q/vm", "volume", "q/vm");
	EXPECT_BAD_NAME("vm@", "snapshot", "");
	EXPECT_ERR(cvol_ctl_parse_name("vm@s", CVOL_CTL_NAME_SNAP_FORBIDDEN,
				       &n),
		   -EINVAL, "vm@s: a snapshot is not allowed here");
	EXPECT_ERR(cvol_ctl_parse_name("vm", CVOL_CTL_NAME_SNAP_REQUIRED, &n),
		   -EINVAL, "vm: name a snapshot as VOLUME@SNAPSHOT");
}

static void test_sizes(void)
{
	static const struct {
		const char *s;
		uint64_t v;
	} ok[] = {
		{ "4096", 4096 },
		{ "1K", 1024 },
		{ "64k", 65536 },
		{ "10M", 10ULL << 20 },
		{ "2G", 2ULL << 30 },
		{ "3T", 3ULL << 40 },
		{ "1GiB", 1ULL << 30 },
		{ "5MB", 5ULL << 20 },
		{ "16777215T", 16777215ULL << 40 },
	};
	uint64_t v;
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		v = 0;
		EXPECT(!cvol_ctl_parse_size(ok[i].s, &v) && v == ok[i].v,
		       "size %s -> %llu (%s)", ok[i].s, (unsigned long long)v,
		       cvol_ctl_error());
	}
	EXPECT_ERR(
		cvol_ctl_parse_size("", &v), -EINVAL,
		"invalid size \"\" (a number with an optional K, M, G or T suffix)");
	EXPECT_ERR(
		cvol_ctl_parse_size("1Q", &v), -EINVAL,
		"invalid size \"1Q\" (a number with an optional K, M, G or T suffix)");
	EXPECT_ERR(
		cvol_ctl_parse_size("-1G", &v), -EINVAL,
		"invalid size \"-1G\" (a number with an optional K, M, G or T suffix)");
	EXPECT_ERR(
		cvol_ctl_parse_size("1.5G", &v), -EINVAL,
		"invalid size \"1.5G\" (a number with an optional K, M, G or T suffix)");
	EXPECT_ERR(cvol_ctl_parse_size("16777216T", &v), -ERANGE,
		   "size \"16777216T\" is too large");
	EXPECT_ERR(cvol_ctl_parse_size("99999999999999999999", &v), -ERANGE,
		   "size \"99999999999999999999\" is too large");
}

/* Checks made before anything is sent: no daemon needed */
static void test_args(struct cvol_ctl *ctl)
{
	uint32_t id;

	EXPECT_ERR(cvol_ctl_vol_create(ctl, NULL, "v", 1000, 0), -EINVAL,
		   "size 1000 is not a non-zero multiple of 512 bytes");
	EXPECT_ERR(cvol_ctl_vol_create(ctl, NULL, "v", 0, 0), -EINVAL,
		   "size 0 is not a non-zero multiple of 512 bytes");
	EXPECT_ERR(cvol_ctl_vol_create(ctl, NULL, "v", 1 << 20, 3 << 20),
		   -EINVAL,
		   "object size 3145728 is not a power of two from 64K to 64M");
	EXPECT_ERR(cvol_ctl_vol_create(ctl, NULL, "v", 1 << 20, 1 << 12),
		   -EINVAL,
		   "object size 4096 is not a power of two from 64K to 64M");
	EXPECT_ERR(
		cvol_ctl_vol_create(ctl, "a b", "v", 1 << 20, 0), -EINVAL,
		"invalid pool name \"a b\" (1-63 of A-Z a-z 0-9 . _ -, not starting with . or -)");
	EXPECT_ERR(cvol_ctl_vol_remove(ctl, NULL, NULL), -EINVAL,
		   "no volume name given");
	EXPECT_ERR(
		cvol_ctl_vol_rename(ctl, NULL, "a", "-b"), -EINVAL,
		"invalid volume name \"-b\" (1-63 of A-Z a-z 0-9 . _ -, not starting with . or -)");
	EXPECT_ERR(
		cvol_ctl_vol_clone(ctl, NULL, "a", "", "b"), -EINVAL,
		"invalid snapshot name \"\" (1-63 of A-Z a-z 0-9 . _ -, not starting with . or -)");
	EXPECT_ERR(cvol_ctl_snap_create(ctl, NULL, "a", NULL), -EINVAL,
		   "no snapshot name given");
	EXPECT_ERR(
		cvol_ctl_dev_attach(ctl, NULL, "a", "x y", false, &id), -EINVAL,
		"invalid snapshot name \"x y\" (1-63 of A-Z a-z 0-9 . _ -, not starting with . or -)");
	EXPECT_ERR(cvol_ctl_dev_find(ctl, "", &id), -EINVAL, "no device given");
}

int main(void)
{
	struct cvol_ctl *ctl;
	char path[256];
	uint32_t id;
	const char *tmp = getenv("CVOL_TMP") ? getenv("CVOL_TMP") : "/tmp";
	const char *sock = getenv("CVOL_SOCKET");
	struct cvol_ctl_dev dev;

	test_names();
	test_sizes();

	EXPECT_ERR(cvol_ctl_open("", &ctl), -EINVAL, "empty socket path");
	memset(path, 'x', 200);
	path[200] = '\0';
	EXPECT(cvol_ctl_open(path, &ctl) == -ENAMETOOLONG, "long path");

	/* No daemon at this path */
	snprintf(path, sizeof(path), "%s/no-such-cvold.sock", tmp);
	EXPECT(!cvol_ctl_open(path, &ctl), "open: %s", cvol_ctl_error());
	test_args(ctl);
	EXPECT_ERR(cvol_ctl_vol_create(ctl, NULL, "v", 1 << 20, 0), -ENOTCONN,
		   "cvold is not running (systemctl start cvold)");
	EXPECT_ERR(cvol_ctl_dev_attach(ctl, "default", "v", NULL, false, &id),
		   -ENOTCONN, "cvold is not running (systemctl start cvold)");
	/* The host never has cvol.ko (modules cannot be loaded there) */
	if (access("/sys/module/cvol", F_OK))
		EXPECT_ERR(cvol_ctl_dev_get(ctl, 0, &dev), -ENODEV,
			   "cvol kernel module not loaded (modprobe cvol)");
	cvol_ctl_close(ctl);

	/* Errors relayed from the daemon, with its errno */
	if (sock) {
		EXPECT(!cvol_ctl_open(sock, &ctl), "open: %s",
		       cvol_ctl_error());
		EXPECT_ERR(cvol_ctl_vol_create(ctl, NULL, "v", 1 << 20, 0),
			   -ENOENT, "pool default: no such pool");
		EXPECT_ERR(cvol_ctl_dev_attach(ctl, NULL, "v", "s", false, &id),
			   -ENODEV,
			   "cvol kernel module not loaded (modprobe cvol)");
		EXPECT_ERR(cvol_ctl_dev_detach(ctl, 7, true), -ENOENT,
			   "no device cvol7");
		cvol_ctl_close(ctl);
	}
	if (failures) {
		printf("%d failures\n", failures);
		return 1;
	}
	printf("PASS\n");
	return 0;
}
