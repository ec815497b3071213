// SPDX-License-Identifier: GPL-2.0
/*
 * cvol configuration file parser: "[pool NAME]" sections of "key = value"
 * lines, '#' comments.  See config.h for the format.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "engine/names.h"
#include "engine/err.h"

#define CONFIG_LINE_MAX 1024

/**
 * struct config_pool - one [pool NAME] section
 * @next: next section
 * @name: cvol pool name
 * @conf: its store configuration; strings point into @strs
 * @strs: owned copies of the values (driver, path, ceph_*)
 */
struct config_pool {
	struct config_pool *next;
	char name[64];
	struct cvol_store_conf conf;
	char *strs[5];
};

/**
 * struct cvol_config - a parsed file (immutable once loaded)
 * @pools: sections in reverse file order
 */
struct cvol_config {
	struct config_pool *pools;
};

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* @val as bytes with an optional K, M or G suffix (at most 1 GiB): 0 or -1 */
static int parse_size(const char *val, uint64_t *out)
{
	unsigned long long v;
	char *end;
	int shift = 0;

	errno = 0;
	v = strtoull(val, &end, 10);
	if (errno || end == val || val[0] == '-')
		return -1;
	if (*end == 'K' || *end == 'k')
		shift = 10;
	else if (*end == 'M' || *end == 'm')
		shift = 20;
	else if (*end == 'G' || *end == 'g')
		shift = 30;
	if (shift)
		end++;
	if (*end || v > (1ull << 30) >> shift)
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

static int set_key(struct config_pool *p, const char *key, const char *val,
		   const char *path, int line)
{
	static const char *const keys[] = { "driver", "path", "ceph_conf",
					    "ceph_client", "ceph_pool" };
	unsigned long v;
	char *end;
	size_t i;

	if (!strcmp(key, "connect_timeout") || !strcmp(key, "op_timeout")) {
		errno = 0;
		v = strtoul(val, &end, 10);
		if (errno || end == val || *end || v > 3600)
			return cvol_seterr(-EINVAL,
					   "%s:%d: %s must be 0..3600 seconds",
					   path, line, key);
		if (key[0] == 'c')
			p->conf.connect_timeout = (unsigned int)v;
		else
			p->conf.op_timeout = (unsigned int)v;
		return 0;
	}
	if (!strcmp(key, "meta_reserve"))
		return parse_size(val, &p->conf.meta_reserve) ?
			       cvol_seterr(
				       -EINVAL,
				       "%s:%d: meta_reserve must be a size (bytes, or with K, M, G) of at most 1G",
				       path, line) :
			       0;
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (strcmp(key, keys[i]))
			continue;
		if (!val[0])
			return cvol_seterr(-EINVAL, "%s:%d: empty value for %s",
					   path, line, key);
		free(p->strs[i]);
		p->strs[i] = strdup(val);
		if (!p->strs[i])
			return cvol_seterr(-ENOMEM, "out of memory");
		return 0;
	}
	return cvol_seterr(-EINVAL, "%s:%d: unknown key '%s'", path, line, key);
}

/* fill conf's string fields from strs and check the section is complete */
static int finish_pool(struct config_pool *p, const char *path)
{
	char names[128];

	p->conf.pool = p->name;
	p->conf.driver = p->strs[0] ? p->strs[0] : "file";
	p->conf.path = p->strs[1];
	p->conf.ceph_conf = p->strs[2];
	p->conf.ceph_client = p->strs[3];
	p->conf.ceph_pool = p->strs[4];
	if (!cvol_store_known(p->conf.driver))
		return cvol_seterr(-EINVAL,
				   "%s: pool %s: store driver '%s' not built (built: %s)",
				   path, p->name, p->conf.driver,
				   cvol_store_names(names, sizeof(names)));
	if (!strcmp(p->conf.driver, "rados") && !p->conf.ceph_pool)
		return cvol_seterr(-EINVAL,
				   "%s: pool %s: rados needs ceph_pool", path,
				   p->name);
	return 0;
}

static void free_pool(struct config_pool *p)
{
	size_t i;

	for (i = 0; i < sizeof(p->strs) / sizeof(p->strs[0]); i++)
		free(p->strs[i]);
	free(p);
}

void cvol_config_free(struct cvol_config *cfg)
{
	struct config_pool *p;

	if (!cfg)
		return;
	while ((p = cfg->pools)) {
		cfg->pools = p->next;
		free_pool(p);
	}
	free(cfg);
}

int cvol_config_load(const char *path, struct cvol_config **out)
{
	char buf[CONFIG_LINE_MAX], *s, *eq;
	struct config_pool *p, *cur = NULL;
	struct cvol_config *cfg;
	int line = 0, ret = 0;
	FILE *f;

	f = fopen(path, "re");
	if (!f)
		return cvol_seterr(-errno, "config %s: %s", path,
				   strerror(errno));
	cfg = calloc(1, sizeof(*cfg));
	if (!cfg) {
		ret = cvol_seterr(-ENOMEM, "out of memory");
		goto out_close;
	}
	while (fgets(buf, sizeof(buf), f)) {
		line++;
		if (!strchr(buf, '\n') && !feof(f)) {
			ret = cvol_seterr(-EINVAL, "%s:%d: line too long", path,
					  line);
			goto out_free;
		}
		s = strchr(buf, '#');
		if (s)
			*s = '\0';
		s = trim(buf);
		if (!*s)
			continue;
		if (*s == '[') {
			char *name, *end = strchr(s, ']');

			if (!end || end[1] || strncmp(s, "[pool", 5) ||
			    !isspace((unsigned char)s[5])) {
				ret = cvol_seterr(-EINVAL,
						  "%s:%d: want [pool NAME]",
						  path, line);
				goto out_free;
			}
			*end = '\0';
			name = trim(s + 5);
			if (!cvol_name_valid(name)) {
				ret = cvol_seterr(-EINVAL,
						  "%s:%d: bad pool name '%s'",
						  path, line, name);
				goto out_free;
			}
			for (p = cfg->pools; p; p = p->next) {
				if (!strcmp(p->name, name)) {
					ret = cvol_seterr(
						-EINVAL,
						"%s:%d: pool %s defined twice",
						path, line, name);
					goto out_free;
				}
			}
			if (cur) {
				ret = finish_pool(cur, path);
				if (ret)
					goto out_free;
			}
			cur = calloc(1, sizeof(*cur));
			if (!cur) {
				ret = cvol_seterr(-ENOMEM, "out of memory");
				goto out_free;
			}
			strcpy(cur->name, name);
			cur->next = cfg->pools;
			cfg->pools = cur;
			continue;
		}
		eq = strchr(s, '=');
		if (!eq || !cur) {
			ret = cvol_seterr(
				-EINVAL, "%s:%d: %s", path, line,
				cur ? "want key = value" :
				      "key outside a [pool NAME] section");
			goto out_free;
		}
		*eq = '\0';
		ret = set_key(cur, trim(s), trim(eq + 1), path, line);
		if (ret)
			goto out_free;
	}
	if (ferror(f)) {
		ret = cvol_seterr(-EIO, "config %s: read error", path);
		goto out_free;
	}
	if (cur) {
		ret = finish_pool(cur, path);
		if (ret)
			goto out_free;
	}
	*out = cfg;
	goto out_close;

out_free:
	cvol_config_free(cfg);
out_close:
	fclose(f);
	return ret;
}

int cvol_config_pool(const struct cvol_config *cfg, const char *pool,
		     struct cvol_store_conf *conf)
{
	const struct config_pool *p;

	for (p = cfg ? cfg->pools : NULL; p; p = p->next) {
		if (!strcmp(p->name, pool)) {
			*conf = p->conf;
			return 0;
		}
	}
	return -ENOENT;
}

int cvol_config_pools(const struct cvol_config *cfg,
		      int (*cb)(void *arg, const char *pool), void *arg)
{
	const struct config_pool *p;
	int ret;

	for (p = cfg ? cfg->pools : NULL; p; p = p->next) {
		ret = cb(arg, p->name);
		if (ret)
			return ret;
	}
	return 0;
}
