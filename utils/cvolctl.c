// SPDX-License-Identifier: GPL-2.0
/*
 * cvolctl - manage cvol volumes, snapshots and devices.
 *
 *   cvolctl [-j|--json] [-p|--pretty] [-s|--socket PATH] OBJECT VERB [ARGS]
 *
 * A thin front end of libcvolctl: every verb is one or two library calls
 * whose result is turned into a json-c value and printed by output.c.
 * Failure: exit 1 with exactly one line on stderr,
 * "cvolctl: OBJECT VERB: message".
 */
#include <errno.h>
#include <getopt.h>
#include <json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cvol/ctl.h>

#include "cvolctl.h"

bool opt_json;
bool opt_pretty;
static const char *opt_socket;
static struct cvol_ctl *ctl;
static const char *cur_what; /* "OBJECT VERB" for messages, NULL: none */

/**
 * struct verb - one OBJECT VERB
 * @name: the word, matched exactly
 * @fn: handler; argv[0] is the verb
 * @usage: arguments, for help
 */
struct verb {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
};

/**
 * struct object - one OBJECT
 * @name: the word
 * @verbs: its verbs, NULL-name ended; NULL for a top-level shortcut
 * @fn: shortcut handler when @verbs is NULL
 * @usage: for help
 */
struct object {
	const char *name;
	const struct verb *verbs;
	int (*fn)(int argc, char **argv);
	const char *usage;
};

static int fail(int err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Print "cvolctl: WHAT: message" and return 1 (the exit status) */
static int fail(int err, const char *fmt, ...)
{
	va_list ap;

	(void)err;
	fprintf(stderr, cur_what ? "cvolctl: %s: " : "cvolctl: ", cur_what);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

static int lib_fail(int err)
{
	const char *msg = cvol_ctl_error();

	return fail(err, "%s", *msg ? msg : strerror(-err));
}

static int open_ctl(void)
{
	int ret;

	if (ctl)
		return 0;
	ret = cvol_ctl_open(opt_socket, &ctl);
	return ret ? lib_fail(ret) : 0;
}

/* Progress of flatten and check: "\rOBJECT VERB: NN%" on a terminal */
static void show_progress(void *arg, uint64_t done, uint64_t total)
{
	unsigned int pct = total ? (unsigned int)(done * 100 / total) : 100;

	fprintf(stderr, "\r%s: %u%%", cur_what, pct);
	fflush(stderr);
	*(bool *)arg = true;
}

/* Long operations show progress on a terminal and stay quiet otherwise */
static void progress_start(bool *shown)
{
	*shown = false;
	if (!opt_json && isatty(STDERR_FILENO))
		cvol_ctl_set_progress(ctl, show_progress, shown);
}

static void progress_end(bool shown)
{
	if (shown)
		fputs("\r\033[K", stderr);
	cvol_ctl_set_progress(ctl, NULL, NULL);
}

/* ---- options of a verb ---- */

#define VOPT_SIZE 1 /* --size SIZE */
#define VOPT_OBJSIZE 2 /* --object-size SIZE */
#define VOPT_SHRINK 4 /* --allow-shrink */
#define VOPT_RO 8 /* -r, --read-only */
#define VOPT_FORCE 16 /* -f, --force */
#define VOPT_REPAIR 32 /* --repair */

/**
 * struct vopts - a verb's parsed options
 * @size, @objsize: byte counts, 0 if not given
 * @shrink, @ro, @force, @repair: flags
 * @nargs: positional arguments left in @args
 * @args: the positional arguments
 */
struct vopts {
	uint64_t size, objsize;
	bool shrink, ro, force, repair;
	int nargs;
	char **args;
};

/*
 * parse_verb() - parse @argv (argv[0] is the verb) with the options in
 * @allowed and exactly @min..@max positional arguments named @what.
 */
static int parse_verb(int argc, char **argv, unsigned int allowed, int min,
		      int max, const char *what, struct vopts *o)
{
	static const struct option lopts[] = {
		{ "size", required_argument, NULL, 's' },
		{ "object-size", required_argument, NULL, 'o' },
		{ "allow-shrink", no_argument, NULL, 'S' },
		{ "read-only", no_argument, NULL, 'r' },
		{ "force", no_argument, NULL, 'f' },
		{ "repair", no_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 },
	};
	bool have_size = false;
	unsigned int bit;
	int c, ret;

	memset(o, 0, sizeof(*o));
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":s:o:rf", lopts, NULL)) != -1) {
		switch (c) {
		case 's':
			bit = VOPT_SIZE;
			break;
		case 'o':
			bit = VOPT_OBJSIZE;
			break;
		case 'S':
			bit = VOPT_SHRINK;
			break;
		case 'r':
			bit = VOPT_RO;
			break;
		case 'f':
			bit = VOPT_FORCE;
			break;
		case 'R':
			bit = VOPT_REPAIR;
			break;
		case ':':
			return fail(-EINVAL, "option %s needs a value",
				    argv[optind - 1]);
		default:
			return fail(-EINVAL, "unknown option %s",
				    argv[optind - 1]);
		}
		if (!(allowed & bit))
			return fail(-EINVAL, "unknown option %s",
				    argv[optind - 1]);
		if (bit == VOPT_SIZE || bit == VOPT_OBJSIZE) {
			ret = cvol_ctl_parse_size(optarg, bit == VOPT_SIZE ?
								  &o->size :
								  &o->objsize);
			if (ret)
				return lib_fail(ret);
		}
		have_size |= bit == VOPT_SIZE;
		o->shrink |= bit == VOPT_SHRINK;
		o->ro |= bit == VOPT_RO;
		o->force |= bit == VOPT_FORCE;
		o->repair |= bit == VOPT_REPAIR;
	}
	o->nargs = argc - optind;
	o->args = argv + optind;
	if ((allowed & VOPT_SIZE) && !have_size)
		return fail(-EINVAL, "--size SIZE is required");
	if (o->nargs < min)
		return fail(-EINVAL, "missing %s", what);
	if (o->nargs > max)
		return fail(-EINVAL, "unexpected argument \"%s\"",
			    o->args[max]);
	return 0;
}

static int parse_name(const char *s, unsigned int flags,
		      struct cvol_ctl_name *n)
{
	int ret = cvol_ctl_parse_name(s, flags, n);

	return ret ? lib_fail(ret) : 0;
}

/* NEW of rename/clone: "NAME" or "POOL/NAME" in the same pool as @n */
static int parse_new(const char *s, const struct cvol_ctl_name *n,
		     struct cvol_ctl_name *out)
{
	if (parse_name(s, CVOL_CTL_NAME_SNAP_FORBIDDEN, out))
		return 1;
	if (strchr(s, '/') && strcmp(out->pool, n->pool))
		return fail(-EXDEV, "%s and %s are in different pools", n->pool,
			    out->pool);
	return 0;
}

/* ---- JSON values ---- */

static json_object *js(const char *s)
{
	return json_object_new_string(s);
}

static json_object *ji(uint64_t v)
{
	return json_object_new_int64((int64_t)v);
}

static void add(json_object *o, const char *k, json_object *v)
{
	json_object_object_add(o, k, v);
}

static json_object *name_obj(const struct cvol_ctl_name *n)
{
	json_object *o = json_object_new_object();

	add(o, "pool", js(n->pool));
	add(o, "name", js(n->vol));
	if (*n->snap)
		add(o, "snap", js(n->snap));
	return o;
}

/* Print the JSON of a mutation with -j; nothing in human mode */
static int done(json_object *o)
{
	out_line(o, NULL);
	json_object_put(o);
	return 0;
}

static json_object *vol_obj(const struct cvol_ctl_vol *v)
{
	json_object *o = json_object_new_object();
	char parent[2 * CVOL_CTL_NAME_MAX + 2] = "";

	if (*v->parent_vol)
		snprintf(parent, sizeof(parent), "%s@%s", v->parent_vol,
			 v->parent_snap);
	add(o, "pool", js(v->pool));
	add(o, "name", js(v->name));
	if (*v->snap)
		add(o, "snap", js(v->snap));
	add(o, "size", ji(v->size));
	add(o, "object_size", ji(v->object_size));
	add(o, "parent", js(parent));
	if (*v->snap) {
		add(o, "clones", ji(v->clones));
		add(o, "protected", json_object_new_boolean(v->protected_));
	} else {
		add(o, "snapshots", ji(v->snapshots));
	}
	add(o, "created", ji(v->created));
	add(o, "used_objects", ji(v->used_objects));
	return o;
}

static int vol_list_cb(void *arg, const struct cvol_ctl_vol *v)
{
	json_object_array_add(arg, vol_obj(v));
	return 0;
}

/* ---- vol ---- */

static int vol_create(int argc, char **argv)
{
	struct cvol_ctl_name n;
	struct vopts o;
	json_object *j;
	int ret;

	if (parse_verb(argc, argv, VOPT_SIZE | VOPT_OBJSIZE, 1, 1,
		       "volume name", &o) ||
	    parse_name(o.args[0], CVOL_CTL_NAME_SNAP_FORBIDDEN, &n) ||
	    open_ctl())
		return 1;
	ret = cvol_ctl_vol_create(ctl, n.pool, n.vol, o.size, o.objsize);
	if (ret)
		return lib_fail(ret);
	j = name_obj(&n);
	add(j, "size", ji(o.size));
	return done(j);
}

static int vol_list(int argc, char **argv)
{
	static const struct out_col cols[] = {
		{ "name", "NAME", OUT_STR },
		{ "size", "SIZE", OUT_SIZE },
		{ "object_size", "OBJSIZE", OUT_SIZE },
		{ "snapshots", "SNAPS", OUT_NUM },
		{ "parent", "PARENT", OUT_STR },
		{ NULL },
	};
	const char *pool = CVOL_CTL_DEFAULT_POOL;
	struct vopts o;
	json_object *arr;
	int ret;

	if (parse_verb(argc, argv, 0, 0, 1, "pool", &o))
		return 1;
	if (o.nargs)
		pool = o.args[0];
	if (!cvol_ctl_name_valid(pool))
		return fail(-EINVAL, "invalid pool name \"%s\"", pool);
	if (open_ctl())
		return 1;
	arr = json_object_new_array();
	ret = cvol_ctl_vol_list(ctl, pool, vol_list_cb, arr);
	if (ret) {
		json_object_put(arr);
		return lib_fail(ret);
	}
	out_table(arr, cols);
	json_object_put(arr);
	return 0;
}

static int vol_info(int argc, char **argv)
{
	static const struct out_col cols[] = {
		{ "pool", "pool", OUT_STR },
		{ "name", "name", OUT_STR },
		{ "snap", "snapshot", OUT_STR },
		{ "size", "size", OUT_SIZE },
		{ "object_size", "object size", OUT_SIZE },
		{ "parent", "parent", OUT_STR },
		{ "snapshots", "snapshots", OUT_NUM },
		{ "clones", "clones", OUT_NUM },
		{ "protected", "protected", OUT_BOOL },
		{ "created", "created", OUT_NUM },
		{ "used_objects", "used objects", OUT_NUM },
		{ NULL },
	};
	struct cvol_ctl_name n;
	struct cvol_ctl_vol v;
	struct vopts o;
	json_object *j;
	int ret;

	if (parse_verb(argc, argv, 0, 1, 1, "volume name", &o) ||
	    parse_name(o.args[0], 0, &n) || open_ctl())
		return 1;
	ret = cvol_ctl_vol_info(ctl, n.pool, n.vol, n.snap, &v);
	if (ret)
		return lib_fail(ret);
	j = vol_obj(&v);
	out_fields(j, cols);
	json_object_put(j);
	return 0;
}

static int vol_rm(int argc, char **argv)
{
	struct cvol_ctl_name n;
	struct vopts o;
	int ret;

	if (parse_verb(argc, argv, 0, 1, 1, "volume name", &o) ||
	    parse_name(o.args[0], CVOL_CTL_NAME_SNAP_FORBIDDEN, &n) ||
	    open_ctl())
		return 1;
	ret = cvol_ctl_vol_remove(ctl, n.pool, n.vol);
	return ret ? lib_fail(ret) : done(name_obj(&n));
}

static int vol_rename(int argc, char **argv)
{
	struct cvol_ctl_name n, nn;
	struct vopts o;
	json_object *j;
	int ret;

	if (parse_verb(argc, argv, 0, 2, 2, "VOLUME NEWNAME", &o) ||
	    parse_name(o.args[0], CVOL_CTL_NAME_SNAP_FORBIDDEN, &n) ||
	    parse_new(o.args[1], &n, &nn) || open_ctl())
		return 1;
	ret = cvol_ctl_vol_rename(ctl, n.pool, n.vol, nn.vol);
	if (ret)
		return lib_fail(ret);
	j = name_obj(&nn);
	add(j, "old_name", js(n.vol));
	return done(j);
}

/*
 * grow_device() - an attached volume's device follows a grow (devices
 * never shrink: a shrunk volume must be detached and attached again).
 * Nothing to do without the module or when the volume is not attached.
 */
static int grow_device(const struct cvol_ctl_name *n, uint64_t size)
{
	struct cvol_ctl_reconf rc = { .mask = CVOL_CTL_RECONF_SIZE,
				      .size = size };
	struct cvol_ctl_dev d;
	char spec[2 * CVOL_CTL_NAME_MAX + 2];
	uint32_t id;
	int ret;

	snprintf(spec, sizeof(spec), "%s/%s", n->pool, n->vol);
	ret = cvol_ctl_dev_find(ctl, spec, &id);
	if (ret == -ENODEV || ret == -ENOENT)
		return 0;
	if (!ret)
		ret = cvol_ctl_dev_get(ctl, id, &d);
	if (ret || d.size >= size)
		return ret;
	return cvol_ctl_dev_reconfigure(ctl, id, &rc);
}

static int vol_resize(int argc, char **argv)
{
	struct cvol_ctl_name n;
	struct vopts o;
	json_object *j;
	int ret;

	if (parse_verb(argc, argv, VOPT_SIZE | VOPT_SHRINK, 1, 1, "volume name",
		       &o) ||
	    parse_name(o.args[0], CVOL_CTL_NAME_SNAP_FORBIDDEN, &n) ||
	    open_ctl())
		return 1;
	ret = cvol_ctl_vol_resize(ctl, n.pool, n.vol, o.size, o.shrink);
	if (ret)
		return lib_fail(ret);
	ret = grow_device(&n, o.size);
	if (ret)
		return lib_fail(ret);
	j = name_obj(&n);
	add(j, "size", ji(o.size));
	return done(j);
}

static int vol_clone(int argc, char **argv)
{
	struct cvol_ctl_name n, nn;
	struct vopts o;
	json_object *j;
	int ret;

	if (parse_verb(argc, argv, 0, 2, 2, "VOLUME@SNAPSHOT NEWNAME", &o) ||
	    parse_name(o.args[0], CVOL_CTL_NAME_SNAP_REQUIRED, &n) ||
	    parse_new(o.args[1], &n, &nn) || open_ctl())
		return 1;
	ret = cvol_ctl_vol_clone(ctl, n.pool, n.vol, n.snap, nn.vol);
	if (ret)
		return lib_fail(ret);
	j = name_obj(&nn);
	add(j, "parent", js(o.args[0]));
	return done(j);
}

static int vol_flatten(int argc, char **argv)
{
	struct cvol_ctl_name n;
	bool shown;
	struct vopts o;
	int ret;

	if (parse_verb(argc, argv, 0, 1, 1, "volume name", &o) ||
	    parse_name(o.args[0], CVOL_CTL_NAME_SNAP_FORBIDDEN, &n) ||
	    open_ctl())
		return 1;
	progress_start(&shown);
	ret = cvol_ctl_vol_flatten(ctl, n.pool, n.vol);
	progress_end(shown);
	return ret ? lib_fail(ret) : done(name_obj(&n));
}

/* ---- snap ---- */

static int snap_op(int argc, char **argv,
		   int (*fn)(struct cvol_ctl *, const char *, const char *,
			     const char *))
{
	struct cvol_ctl_name n;
	struct vopts o;
	int ret;

	if (parse_verb(argc, argv, 0, 1, 1, "VOLUME@SNAPSHOT", &o) ||
	    parse_name(o.args[0], CVOL_CTL_NAME_SNAP_REQUIRED, &n) ||
	    open_ctl())
		return 1;
	ret = fn(ctl, n.pool, n.vol, n.snap);
	return ret ? lib_fail(ret) : done(name_obj(&n));
}

static int snap_create(int argc, char **argv)
{
	return snap_op(argc, argv, cvol_ctl_snap_create);
}

static int snap_rm(int argc, char **argv)
{
	return snap_op(argc, argv, cvol_ctl_snap_remove);
}

static int snap_rollback(int argc, char **argv)
{
	return snap_op(argc, argv, cvol_ctl_snap_rollback);
}

static int snap_list(int argc, char **argv)
{
	static const struct out_col cols[] = {
		{ "snap", "SNAPSHOT", OUT_STR },
		{ "size", "SIZE", OUT_SIZE },
		{ "clones", "CLONES", OUT_NUM },
		{ "protected", "PROTECTED", OUT_BOOL },
		{ "created", "CREATED", OUT_NUM },
		{ NULL },
	};
	struct cvol_ctl_name n;
	struct vopts o;
	json_object *arr;
	int ret;

	if (parse_verb(argc, argv, 0, 1, 1, "volume name", &o) ||
	    parse_name(o.args[0], CVOL_CTL_NAME_SNAP_FORBIDDEN, &n) ||
	    open_ctl())
		return 1;
	arr = json_object_new_array();
	ret = cvol_ctl_snap_list(ctl, n.pool, n.vol, vol_list_cb, arr);
	if (ret) {
		json_object_put(arr);
		return lib_fail(ret);
	}
	out_table(arr, cols);
	json_object_put(arr);
	return 0;
}

/* ---- dev ---- */

static int dev_attach(int argc, char **argv)
{
	struct cvol_ctl_name n;
	struct vopts o;
	json_object *j;
	uint32_t id;
	char path[32];
	int ret;

	if (parse_verb(argc, argv, VOPT_RO, 1, 1, "volume name", &o) ||
	    parse_name(o.args[0], 0, &n) || open_ctl())
		return 1;
	ret = cvol_ctl_dev_attach(ctl, n.pool, n.vol, n.snap, o.ro, &id);
	if (ret)
		return lib_fail(ret);
	snprintf(path, sizeof(path), "/dev/cvol%u", id);
	j = name_obj(&n);
	add(j, "dev_id", ji(id));
	add(j, "path", js(path));
	out_line(j, "path");
	json_object_put(j);
	return 0;
}

static int dev_detach(int argc, char **argv)
{
	struct vopts o;
	json_object *j;
	uint32_t id;
	int ret;

	if (parse_verb(argc, argv, VOPT_FORCE, 1, 1, "device or volume", &o) ||
	    open_ctl())
		return 1;
	ret = cvol_ctl_dev_find(ctl, o.args[0], &id);
	if (!ret)
		ret = cvol_ctl_dev_detach(ctl, id, o.force);
	if (ret)
		return lib_fail(ret);
	j = json_object_new_object();
	add(j, "dev_id", ji(id));
	return done(j);
}

static json_object *dev_obj(const struct cvol_ctl_dev *d, bool stats)
{
	json_object *o = json_object_new_object(), *s;
	char path[32];

	snprintf(path, sizeof(path), "/dev/cvol%u", d->dev_id);
	add(o, "dev_id", ji(d->dev_id));
	add(o, "path", js(path));
	add(o, "pool", js(d->pool));
	add(o, "name", js(d->vol));
	add(o, "snap", js(d->snap));
	add(o, "size", ji(d->size));
	add(o, "ro", json_object_new_boolean(d->ro));
	add(o, "state", js(cvol_ctl_state_name(d->state)));
	if (!stats)
		return o;
	add(o, "lbs", ji(d->lbs));
	add(o, "object_size", ji(d->object_size));
	add(o, "nr_queues", ji(d->nr_queues));
	add(o, "queue_depth", ji(d->queue_depth));
	add(o, "timeout", ji(d->timeout));
	add(o, "features", ji(d->features));
	s = json_object_new_object();
	add(s, "reads", ji(d->reads));
	add(s, "writes", ji(d->writes));
	add(s, "read_bytes", ji(d->read_bytes));
	add(s, "write_bytes", ji(d->write_bytes));
	add(s, "flushes", ji(d->flushes));
	add(s, "discards", ji(d->discards));
	add(s, "errors", ji(d->errors));
	add(s, "requeues", ji(d->requeues));
	add(s, "inflight", ji(d->inflight));
	add(o, "stats", s);
	return o;
}

static int dev_list_cb(void *arg, const struct cvol_ctl_dev *d)
{
	json_object_array_add(arg, dev_obj(d, false));
	return 0;
}

static int dev_list(int argc, char **argv)
{
	static const struct out_col cols[] = {
		{ "dev_id", "ID", OUT_NUM },
		{ "path", "DEVICE", OUT_STR },
		{ "pool", "POOL", OUT_STR },
		{ "name", "VOLUME", OUT_STR },
		{ "snap", "SNAPSHOT", OUT_STR },
		{ "size", "SIZE", OUT_SIZE },
		{ "ro", "RO", OUT_BOOL },
		{ "state", "STATE", OUT_STR },
		{ NULL },
	};
	struct vopts o;
	json_object *arr;
	int ret;

	if (parse_verb(argc, argv, 0, 0, 0, "", &o) || open_ctl())
		return 1;
	arr = json_object_new_array();
	ret = cvol_ctl_dev_dump(ctl, dev_list_cb, arr);
	if (ret) {
		json_object_put(arr);
		return lib_fail(ret);
	}
	out_table(arr, cols);
	json_object_put(arr);
	return 0;
}

static int dev_show(int argc, char **argv)
{
	static const struct out_col cols[] = {
		{ "path", "device", OUT_STR },
		{ "pool", "pool", OUT_STR },
		{ "name", "volume", OUT_STR },
		{ "snap", "snapshot", OUT_STR },
		{ "size", "size", OUT_SIZE },
		{ "ro", "read-only", OUT_BOOL },
		{ "state", "state", OUT_STR },
		{ "lbs", "block size", OUT_NUM },
		{ "object_size", "object size", OUT_SIZE },
		{ "nr_queues", "queues", OUT_NUM },
		{ "queue_depth", "queue depth", OUT_NUM },
		{ "timeout", "timeout", OUT_NUM },
		{ "reads", "reads", OUT_NUM },
		{ "writes", "writes", OUT_NUM },
		{ "errors", "errors", OUT_NUM },
		{ NULL },
	};
	struct cvol_ctl_dev d;
	struct vopts o;
	json_object *j, *s;
	uint32_t id;
	int ret;

	if (parse_verb(argc, argv, 0, 1, 1, "device or volume", &o) ||
	    open_ctl())
		return 1;
	ret = cvol_ctl_dev_find(ctl, o.args[0], &id);
	if (!ret)
		ret = cvol_ctl_dev_get(ctl, id, &d);
	if (ret)
		return lib_fail(ret);
	j = dev_obj(&d, true);
	if (!opt_json && json_object_object_get_ex(j, "stats", &s)) {
		add(j, "reads",
		    json_object_get(json_object_object_get(s, "reads")));
		add(j, "writes",
		    json_object_get(json_object_object_get(s, "writes")));
		add(j, "errors",
		    json_object_get(json_object_object_get(s, "errors")));
	}
	out_fields(j, cols);
	json_object_put(j);
	return 0;
}

/* ---- pool and status ---- */

static int pool_list_cb(void *arg, const char *name)
{
	json_object *o = json_object_new_object();

	add(o, "name", js(name));
	json_object_array_add(arg, o);
	return 0;
}

static int pool_list(int argc, char **argv)
{
	static const struct out_col cols[] = {
		{ "name", "POOL", OUT_STR },
		{ NULL },
	};
	struct vopts o;
	json_object *arr;
	int ret;

	if (parse_verb(argc, argv, 0, 0, 0, "", &o) || open_ctl())
		return 1;
	arr = json_object_new_array();
	ret = cvol_ctl_pool_list(ctl, pool_list_cb, arr);
	if (ret) {
		json_object_put(arr);
		return lib_fail(ret);
	}
	out_table(arr, cols);
	json_object_put(arr);
	return 0;
}

static int pool_check(int argc, char **argv)
{
	static const struct out_col cols[] = {
		{ "pool", "pool", OUT_STR },
		{ "volumes", "volumes", OUT_NUM },
		{ "snapshots", "snapshots", OUT_NUM },
		{ "objects", "objects", OUT_NUM },
		{ "unreferenced", "unreferenced", OUT_NUM },
		{ "dangling", "dangling", OUT_NUM },
		{ "bad_checksums", "bad checksums", OUT_NUM },
		{ "repaired", "repaired", OUT_NUM },
		{ NULL },
	};
	const char *pool = CVOL_CTL_DEFAULT_POOL;
	struct cvol_ctl_check r;
	struct vopts o;
	bool shown;
	json_object *j;
	int ret;

	if (parse_verb(argc, argv, VOPT_REPAIR, 0, 1, "pool", &o))
		return 1;
	if (o.nargs)
		pool = o.args[0];
	if (!cvol_ctl_name_valid(pool))
		return fail(-EINVAL, "invalid pool name \"%s\"", pool);
	if (open_ctl())
		return 1;
	progress_start(&shown);
	ret = cvol_ctl_pool_check(ctl, pool, o.repair, &r);
	progress_end(shown);
	if (ret)
		return lib_fail(ret);
	j = json_object_new_object();
	add(j, "pool", js(pool));
	add(j, "volumes", ji(r.volumes));
	add(j, "snapshots", ji(r.snapshots));
	add(j, "objects", ji(r.objects));
	add(j, "unreferenced", ji(r.unreferenced));
	add(j, "dangling", ji(r.dangling));
	add(j, "bad_checksums", ji(r.bad_checksums));
	add(j, "repaired", ji(r.repaired));
	add(j, "clean",
	    json_object_new_boolean(!r.dangling && !r.bad_checksums &&
				    r.unreferenced == r.repaired));
	out_fields(j, cols);
	json_object_put(j);
	if (r.dangling || r.bad_checksums || r.unreferenced > r.repaired)
		return fail(-EUCLEAN, "pool %s has errors%s", pool,
			    o.repair ? "" : " (run with --repair)");
	return 0;
}

static int status(int argc, char **argv)
{
	static const struct out_col cols[] = {
		{ "daemon", "cvold", OUT_STR },
		{ "pid", "pid", OUT_NUM },
		{ "kernel_module", "kernel module", OUT_BOOL },
		{ "devices", "devices", OUT_NUM },
		{ NULL },
	};
	struct cvol_ctl_status st;
	struct vopts o;
	json_object *j;
	int ret;

	if (parse_verb(argc, argv, 0, 0, 0, "", &o) || open_ctl())
		return 1;
	ret = cvol_ctl_status(ctl, &st);
	if (ret)
		return lib_fail(ret);
	j = json_object_new_object();
	add(j, "daemon", js("running"));
	add(j, "pid", ji((uint64_t)st.pid));
	add(j, "kernel_module", json_object_new_boolean(st.kernel_module));
	add(j, "devices", ji(st.devices));
	out_fields(j, cols);
	json_object_put(j);
	return 0;
}

/* ---- tables and dispatch ---- */

static int help_obj(int argc, char **argv);

static const struct verb vol_verbs[] = {
	{ "create", vol_create,
	  "[POOL/]VOLUME --size SIZE [--object-size SIZE]" },
	{ "list", vol_list, "[POOL]" },
	{ "info", vol_info, "[POOL/]VOLUME[@SNAPSHOT]" },
	{ "rm", vol_rm, "[POOL/]VOLUME" },
	{ "rename", vol_rename, "[POOL/]VOLUME NEWNAME" },
	{ "resize", vol_resize, "[POOL/]VOLUME --size SIZE [--allow-shrink]" },
	{ "clone", vol_clone, "[POOL/]VOLUME@SNAPSHOT NEWNAME" },
	{ "flatten", vol_flatten, "[POOL/]VOLUME" },
	{ "help", help_obj, "" },
	{ NULL },
};

static const struct verb snap_verbs[] = {
	{ "create", snap_create, "[POOL/]VOLUME@SNAPSHOT" },
	{ "list", snap_list, "[POOL/]VOLUME" },
	{ "rm", snap_rm, "[POOL/]VOLUME@SNAPSHOT" },
	{ "rollback", snap_rollback, "[POOL/]VOLUME@SNAPSHOT" },
	{ "help", help_obj, "" },
	{ NULL },
};

static const struct verb dev_verbs[] = {
	{ "attach", dev_attach, "[POOL/]VOLUME[@SNAPSHOT] [-r|--read-only]" },
	{ "detach", dev_detach,
	  "DEVICE|[POOL/]VOLUME[@SNAPSHOT] [-f|--force]" },
	{ "list", dev_list, "" },
	{ "show", dev_show, "DEVICE|[POOL/]VOLUME[@SNAPSHOT]" },
	{ "help", help_obj, "" },
	{ NULL },
};

static const struct verb pool_verbs[] = {
	{ "list", pool_list, "" },
	{ "check", pool_check, "[POOL] [--repair]" },
	{ "help", help_obj, "" },
	{ NULL },
};

static int help_top(int argc, char **argv);

static const struct object objects[] = {
	{ "vol", vol_verbs, NULL, "volumes" },
	{ "snap", snap_verbs, NULL, "snapshots" },
	{ "dev", dev_verbs, NULL, "block devices" },
	{ "pool", pool_verbs, NULL, "pools" },
	{ "status", NULL, status, "cvold and kernel module status" },
	{ "attach", NULL, dev_attach, "same as dev attach" },
	{ "detach", NULL, dev_detach, "same as dev detach" },
	{ "help", NULL, help_top, "this text" },
	{ NULL },
};

static const struct object *cur_obj;

static void list_words(char *buf, size_t cap, const struct object *objs,
		       const struct verb *verbs)
{
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; objs ? !!objs[i].name : !!verbs[i].name; i++)
		off += (size_t)snprintf(buf + off, cap - off, "%s%s",
					i ? ", " : "",
					objs ? objs[i].name : verbs[i].name);
}

static int help_obj(int argc, char **argv)
{
	const struct verb *v;

	for (v = cur_obj->verbs; v->name; v++)
		if (strcmp(v->name, "help"))
			printf("cvolctl %s %s%s%s\n", cur_obj->name, v->name,
			       *v->usage ? " " : "", v->usage);
	return 0;
}

static int help_top(int argc, char **argv)
{
	const struct object *o;

	printf("usage: cvolctl [-j|--json] [-p|--pretty] [-s|--socket PATH] OBJECT VERB [ARGS]\n\n");
	printf("Names are [POOL/]VOLUME[@SNAPSHOT]; the default pool is \"default\".\n");
	printf("Sizes take K, M, G or T suffixes (powers of 1024).\n\nobjects:\n");
	for (o = objects; o->name; o++)
		printf("  %-8s %s\n", o->name, o->usage);
	printf("\n\"cvolctl OBJECT help\" lists the verbs of OBJECT.\n");
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "socket", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static char what[64];
	const struct object *o;
	const struct verb *v;
	char words[256];
	int c, ret;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:jps:h", lopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			opt_json = true;
			break;
		case 'p':
			opt_json = opt_pretty = true;
			break;
		case 's':
			opt_socket = optarg;
			break;
		case 'h':
			return help_top(0, NULL);
		case ':':
			return fail(-EINVAL, "option %s needs a value",
				    argv[optind - 1]);
		default:
			return fail(
				-EINVAL,
				"unknown option %s (valid: -j, -p, -s PATH, -h)",
				argv[optind - 1]);
		}
	}
	if (optind >= argc) {
		help_top(0, NULL);
		return 1;
	}
	for (o = objects; o->name; o++)
		if (!strcmp(o->name, argv[optind]))
			break;
	if (!o->name) {
		list_words(words, sizeof(words), objects, NULL);
		return fail(-EINVAL, "unknown object \"%s\" (valid: %s)",
			    argv[optind], words);
	}
	cur_obj = o;
	if (!o->verbs) {
		cur_what = o->name;
		ret = o->fn(argc - optind, argv + optind);
		goto out;
	}
	list_words(words, sizeof(words), NULL, o->verbs);
	if (optind + 1 >= argc) {
		cur_what = o->name;
		ret = fail(-EINVAL, "missing verb (valid: %s)", words);
		goto out;
	}
	for (v = o->verbs; v->name; v++)
		if (!strcmp(v->name, argv[optind + 1]))
			break;
	if (!v->name) {
		cur_what = o->name;
		ret = fail(-EINVAL, "unknown verb \"%s\" (valid: %s)",
			   argv[optind + 1], words);
		goto out;
	}
	snprintf(what, sizeof(what), "%s %s", o->name, v->name);
	cur_what = what;
	ret = v->fn(argc - optind - 1, argv + optind + 1);
out:
	cvol_ctl_close(ctl);
	return ret ? 1 : 0;
}
