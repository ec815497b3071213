// SPDX-License-Identifier: GPL-2.0
/*
 * cvolctl - manage cvol volumes, snapshots and devices.
 *
 *   cvolctl [-j|--json] [-p|--pretty] [-s|--socket PATH] OBJECT VERB [ARGS]
 *
 * A thin front end of libcvolctl: every verb is one or two library calls
 * whose result is turned into a json-c value and printed by output.c.  The
 * verb tables say what each verb takes and how its result is printed;
 * run_verb() does the parsing, the printing and the error reporting.
 * Failure: exit 1 with exactly one line on stderr,
 * "cvolctl: OBJECT VERB: message".
 */
#include <errno.h>
#include <getopt.h>
#include <json.h>
#include <stdarg.h>
#include <stddef.h>
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
	static const char vopt_chars[] = "soSrfR"; /* of VOPT_* bit 0, 1, ... */
	bool have_size = false;
	unsigned int bit;
	const char *p;
	int c, ret;

	memset(o, 0, sizeof(*o));
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":s:o:rf", lopts, NULL)) != -1) {
		if (c == ':')
			return fail(-EINVAL, "option %s needs a value",
				    argv[optind - 1]);
		p = c > 0 ? strchr(vopt_chars, c) : NULL;
		bit = p ? 1u << (p - vopt_chars) : 0;
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

/* ---- what a verb takes and prints ---- */

#define VOPT_ALL 63 /* every VOPT_* bit */
#define ARG_POOL 64 /* [POOL], checked */
#define ARG_DEV 128 /* DEVICE|[POOL/]VOLUME[@SNAPSHOT], as given */
#define ARG_VOL 256 /* [POOL/]VOLUME */
#define ARG_SNAP 512 /* [POOL/]VOLUME@SNAPSHOT */
#define ARG_ANY 1024 /* [POOL/]VOLUME[@SNAPSHOT] */
#define ARG_NEW 2048 /* then NEWNAME in the same pool */
#define ARG_ALL 4032 /* every ARG_* bit */
#define OUT_NAME 4096 /* the result starts as the object of the name */
#define OUT_LIST 8192 /* the result is an array, printed as a table */
#define OUT_PATH 16384 /* human output is the "path" of the result */
#define V_PROGRESS 32768 /* show progress while the verb runs */
#define V_RAW 65536 /* no parsing at all: help */

/**
 * struct args_kind - the positional arguments of a kind of verb
 * @flags: its ARG_* bits
 * @min, @max: how many
 * @what: their names, for "missing ..."
 */
static const struct args_kind {
	unsigned int flags;
	int min, max;
	const char *what;
} args_kinds[] = {
	{ ARG_POOL, 0, 1, "pool" },
	{ ARG_DEV, 1, 1, "device or volume" },
	{ ARG_VOL, 1, 1, "volume name" },
	{ ARG_ANY, 1, 1, "volume name" },
	{ ARG_SNAP, 1, 1, "VOLUME@SNAPSHOT" },
	{ ARG_VOL | ARG_NEW, 2, 2, "VOLUME NEWNAME" },
	{ ARG_SNAP | ARG_NEW, 2, 2, "VOLUME@SNAPSHOT NEWNAME" },
	{ 0, 0, 0, "" },
};

/**
 * struct vctx - one run of a verb
 * @o: its options and positional arguments
 * @n: the parsed name (ARG_VOL, ARG_SNAP, ARG_ANY)
 * @nn: the parsed NEWNAME (ARG_NEW)
 * @pool: the pool (ARG_POOL)
 * @out: the result, printed on success and dropped on failure
 * @late: an error to report after the result is printed, "" if none
 */
struct vctx {
	struct vopts o;
	struct cvol_ctl_name n, nn;
	const char *pool;
	json_object *out;
	char late[160];
};

/* The human output of a verb: a table or field list of view_cols[] */
enum view {
	VIEW_JSON, /* none: the result is printed with -j only */
	VIEW_VOL_LIST,
	VIEW_VOL_INFO,
	VIEW_SNAP_LIST,
	VIEW_DEV_LIST,
	VIEW_DEV_SHOW,
	VIEW_POOL_LIST,
	VIEW_POOL_CHECK,
	VIEW_STATUS,
};

/**
 * struct verb - one OBJECT VERB
 * @name: the word, matched exactly
 * @fn: handler: 0 or a library error (-errno)
 * @flags: VOPT_* options allowed, ARG_*, OUT_* and V_* bits
 * @view: the table (OUT_LIST) or field list of human output; VIEW_JSON:
 *	the result is printed with -j only (or its "path" with OUT_PATH)
 * @usage: arguments, for help
 */
struct verb {
	const char *name;
	int (*fn)(struct vctx *c);
	unsigned int flags;
	enum view view;
	const char *usage;
};

/**
 * struct object - one OBJECT
 * @name: the word
 * @verbs: its verbs, NULL-name ended
 * @verb: a top-level shortcut runs this verb of @verbs; NULL: the next
 *	word names the verb
 * @usage: for help
 */
struct object {
	const char *name;
	const struct verb *verbs;
	const char *verb;
	const char *usage;
};

/* The positional arguments after parse_verb() */
static int parse_args(unsigned int flags, struct vctx *c)
{
	unsigned int nflags = 0;

	if (flags & ARG_POOL) {
		c->pool = c->o.nargs ? c->o.args[0] : CVOL_CTL_DEFAULT_POOL;
		if (!cvol_ctl_name_valid(c->pool))
			return fail(-EINVAL, "invalid pool name \"%s\"",
				    c->pool);
	}
	if (flags & ARG_VOL)
		nflags = CVOL_CTL_NAME_SNAP_FORBIDDEN;
	if (flags & ARG_SNAP)
		nflags = CVOL_CTL_NAME_SNAP_REQUIRED;
	if ((flags & (ARG_VOL | ARG_SNAP | ARG_ANY)) &&
	    parse_name(c->o.args[0], nflags, &c->n))
		return 1;
	if ((flags & ARG_NEW) && parse_new(c->o.args[1], &c->n, &c->nn))
		return 1;
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

/**
 * struct u64_field - a uint64_t member of a library struct
 * @key: its JSON key
 * @off: offsetof() the member
 */
struct u64_field {
	const char *key;
	size_t off;
};

#define U64_FIELD(s, f)                          \
	{                                        \
		.key = #f, .off = offsetof(s, f) \
	}

/* Add the @fields (NULL-key ended) of @base to @o */
static void add_u64s(json_object *o, const void *base,
		     const struct u64_field *fields)
{
	const struct u64_field *f;

	for (f = fields; f->key; f++)
		add(o, f->key,
		    ji(*(const uint64_t *)((const char *)base + f->off)));
}

/* "pool", "name" and "snap" (only if set, unless @all_keys) */
static void add_names(json_object *o, const char *pool, const char *vol,
		      const char *snap, bool all_keys)
{
	add(o, "pool", js(pool));
	add(o, "name", js(vol));
	if (all_keys || *snap)
		add(o, "snap", js(snap));
}

static json_object *name_obj(const struct cvol_ctl_name *n)
{
	json_object *o = json_object_new_object();

	add_names(o, n->pool, n->vol, n->snap, false);
	return o;
}

/* "dev_id" and "path" of device @id */
static void add_dev(json_object *o, uint32_t id)
{
	char path[32];

	snprintf(path, sizeof(path), "/dev/cvol%u", id);
	add(o, "dev_id", ji(id));
	add(o, "path", js(path));
}

static json_object *vol_obj(const struct cvol_ctl_vol *v)
{
	json_object *o = json_object_new_object();
	char parent[2 * CVOL_CTL_NAME_MAX + 2] = "";

	if (*v->parent_vol)
		snprintf(parent, sizeof(parent), "%s@%s", v->parent_vol,
			 v->parent_snap);
	add_names(o, v->pool, v->name, v->snap, false);
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

static int vol_create(struct vctx *c)
{
	add(c->out, "size", ji(c->o.size));
	return cvol_ctl_vol_create(ctl, c->n.pool, c->n.vol, c->o.size,
				   c->o.objsize);
}

static int vol_list(struct vctx *c)
{
	return cvol_ctl_vol_list(ctl, c->pool, vol_list_cb, c->out);
}

static int vol_info(struct vctx *c)
{
	struct cvol_ctl_vol v;
	int ret;

	ret = cvol_ctl_vol_info(ctl, c->n.pool, c->n.vol, c->n.snap, &v);
	if (!ret)
		c->out = vol_obj(&v);
	return ret;
}

static int vol_rm(struct vctx *c)
{
	return cvol_ctl_vol_remove(ctl, c->n.pool, c->n.vol);
}

static int vol_rename(struct vctx *c)
{
	add(c->out, "old_name", js(c->n.vol));
	return cvol_ctl_vol_rename(ctl, c->n.pool, c->n.vol, c->nn.vol);
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

static int vol_resize(struct vctx *c)
{
	int ret;

	ret = cvol_ctl_vol_resize(ctl, c->n.pool, c->n.vol, c->o.size,
				  c->o.shrink);
	if (!ret)
		ret = grow_device(&c->n, c->o.size);
	add(c->out, "size", ji(c->o.size));
	return ret;
}

static int vol_clone(struct vctx *c)
{
	add(c->out, "parent", js(c->o.args[0]));
	return cvol_ctl_vol_clone(ctl, c->n.pool, c->n.vol, c->n.snap,
				  c->nn.vol);
}

static int vol_flatten(struct vctx *c)
{
	return cvol_ctl_vol_flatten(ctl, c->n.pool, c->n.vol);
}

/* ---- snap ---- */

static int snap_create(struct vctx *c)
{
	return cvol_ctl_snap_create(ctl, c->n.pool, c->n.vol, c->n.snap);
}

static int snap_rm(struct vctx *c)
{
	return cvol_ctl_snap_remove(ctl, c->n.pool, c->n.vol, c->n.snap);
}

static int snap_rollback(struct vctx *c)
{
	return cvol_ctl_snap_rollback(ctl, c->n.pool, c->n.vol, c->n.snap);
}

static int snap_list(struct vctx *c)
{
	return cvol_ctl_snap_list(ctl, c->n.pool, c->n.vol, vol_list_cb,
				  c->out);
}

/* ---- dev ---- */

static int dev_attach(struct vctx *c)
{
	uint32_t id;
	int ret;

	ret = cvol_ctl_dev_attach(ctl, c->n.pool, c->n.vol, c->n.snap, c->o.ro,
				  &id);
	if (!ret)
		add_dev(c->out, id);
	return ret;
}

static int dev_detach(struct vctx *c)
{
	uint32_t id;
	int ret;

	ret = cvol_ctl_dev_find(ctl, c->o.args[0], &id);
	if (!ret)
		ret = cvol_ctl_dev_detach(ctl, id, c->o.force);
	if (ret)
		return ret;
	c->out = json_object_new_object();
	add(c->out, "dev_id", ji(id));
	return 0;
}

#define DEV_STAT(f) U64_FIELD(struct cvol_ctl_dev, f)

static const struct u64_field dev_stats[] = {
	DEV_STAT(reads),      DEV_STAT(writes),
	DEV_STAT(read_bytes), DEV_STAT(write_bytes),
	DEV_STAT(flushes),    DEV_STAT(discards),
	DEV_STAT(errors),     DEV_STAT(requeues),
	DEV_STAT(inflight),   { NULL },
};

static json_object *dev_obj(const struct cvol_ctl_dev *d, bool stats)
{
	json_object *o = json_object_new_object(), *s;

	add_dev(o, d->dev_id);
	add_names(o, d->pool, d->vol, d->snap, true);
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
	add_u64s(s, d, dev_stats);
	add(o, "stats", s);
	return o;
}

static int dev_list_cb(void *arg, const struct cvol_ctl_dev *d)
{
	json_object_array_add(arg, dev_obj(d, false));
	return 0;
}

static int dev_list(struct vctx *c)
{
	return cvol_ctl_dev_dump(ctl, dev_list_cb, c->out);
}

static int dev_show(struct vctx *c)
{
	static const char *const shown[] = { "reads", "writes", "errors" };
	struct cvol_ctl_dev d;
	json_object *s;
	uint32_t id;
	size_t i;
	int ret;

	ret = cvol_ctl_dev_find(ctl, c->o.args[0], &id);
	if (!ret)
		ret = cvol_ctl_dev_get(ctl, id, &d);
	if (ret)
		return ret;
	c->out = dev_obj(&d, true);
	/* the field list shows some counters next to the rest */
	if (!opt_json && json_object_object_get_ex(c->out, "stats", &s))
		for (i = 0; i < sizeof(shown) / sizeof(shown[0]); i++)
			add(c->out, shown[i],
			    json_object_get(
				    json_object_object_get(s, shown[i])));
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

static int pool_list(struct vctx *c)
{
	return cvol_ctl_pool_list(ctl, pool_list_cb, c->out);
}

static int pool_create(struct vctx *c)
{
	int ret = cvol_ctl_pool_create(ctl, c->pool);

	if (!ret) {
		c->out = json_object_new_object();
		add(c->out, "pool", js(c->pool));
	}
	return ret;
}

#define CHECK_COUNT(f) U64_FIELD(struct cvol_ctl_check, f)

static const struct u64_field check_counts[] = {
	CHECK_COUNT(volumes),  CHECK_COUNT(snapshots),
	CHECK_COUNT(objects),  CHECK_COUNT(unreferenced),
	CHECK_COUNT(dangling), CHECK_COUNT(bad_checksums),
	CHECK_COUNT(repaired), CHECK_COUNT(bad_copies),
	CHECK_COUNT(copies_repaired), CHECK_COUNT(shared),
	CHECK_COUNT(pending),  { NULL },
};

static int pool_check(struct vctx *c)
{
	struct cvol_ctl_check r;
	int ret;

	ret = cvol_ctl_pool_check(ctl, c->pool, c->o.repair, &r);
	if (ret)
		return ret;
	c->out = json_object_new_object();
	add(c->out, "pool", js(c->pool));
	add_u64s(c->out, &r, check_counts);
	add(c->out, "copy_note", js(r.copy_note));
	add(c->out, "clean",
	    json_object_new_boolean(!r.dangling && !r.bad_checksums &&
				    !r.shared && !r.pending &&
				    r.unreferenced == r.repaired &&
				    r.bad_copies == r.copies_repaired));
	if (r.dangling || r.bad_checksums || r.shared || r.pending ||
	    r.unreferenced > r.repaired || r.bad_copies > r.copies_repaired)
		snprintf(c->late, sizeof(c->late), "pool %s has errors%s",
			 c->pool, c->o.repair ? "" : " (run with --repair)");
	return 0;
}

/* Add unadopted device @u to the array @arg */
static int status_unadopted_cb(void *arg, const struct cvol_ctl_unadopted *u)
{
	json_object *o = json_object_new_object();
	char path[32];

	snprintf(path, sizeof(path), "/dev/cvol%u", u->dev_id);
	add(o, "path", js(path));
	add(o, "pool", js(u->pool));
	add(o, "name", js(u->vol));
	add(o, "snap", js(u->snap));
	add(o, "error", js(u->error));
	json_object_array_add(arg, o);
	return 0;
}

static int status(struct vctx *c)
{
	struct cvol_ctl_status st;
	json_object *arr;
	int ret;

	ret = cvol_ctl_status(ctl, &st);
	if (ret)
		return ret;
	c->out = json_object_new_object();
	add(c->out, "daemon", js("running"));
	add(c->out, "pid", ji((uint64_t)st.pid));
	add(c->out, "kernel_module", json_object_new_boolean(st.kernel_module));
	add(c->out, "devices", ji(st.devices));
	arr = json_object_new_array();
	add(c->out, "not_adopted", arr);
	return cvol_ctl_status_unadopted(ctl, status_unadopted_cb, arr);
}

/*
 * The human status's last lines: "not adopted: /dev/cvolN
 * (POOL/VOLUME[@SNAPSHOT]): why" for each device nothing serves
 */
static void status_unadopted_lines(json_object *out)
{
	json_object *arr = json_object_object_get(out, "not_adopted"), *o;
	size_t i;

#define S(key) json_object_get_string(json_object_object_get(o, key))
	for (i = 0; !opt_json && i < json_object_array_length(arr); i++) {
		o = json_object_array_get_idx(arr, i);
		printf("not adopted: %s (%s/%s%s%s): %s\n", S("path"),
		       S("pool"), S("name"), *S("snap") ? "@" : "", S("snap"),
		       S("error"));
	}
#undef S
}

/* ---- human output: the table or field list of each verb ---- */

/**
 * struct view_col - one column or field of the human output of a verb
 * @view: the verb's view (struct verb)
 * @col: the column
 */
static const struct view_col {
	enum view view;
	struct out_col col;
} view_cols[] = {
	{ VIEW_VOL_LIST, { "name", "NAME", OUT_STR } },
	{ VIEW_VOL_LIST, { "size", "SIZE", OUT_SIZE } },
	{ VIEW_VOL_LIST, { "object_size", "OBJSIZE", OUT_SIZE } },
	{ VIEW_VOL_LIST, { "snapshots", "SNAPS", OUT_NUM } },
	{ VIEW_VOL_LIST, { "parent", "PARENT", OUT_STR } },
	{ VIEW_VOL_INFO, { "pool", "pool", OUT_STR } },
	{ VIEW_VOL_INFO, { "name", "name", OUT_STR } },
	{ VIEW_VOL_INFO, { "snap", "snapshot", OUT_STR } },
	{ VIEW_VOL_INFO, { "size", "size", OUT_SIZE } },
	{ VIEW_VOL_INFO, { "object_size", "object size", OUT_SIZE } },
	{ VIEW_VOL_INFO, { "parent", "parent", OUT_STR } },
	{ VIEW_VOL_INFO, { "snapshots", "snapshots", OUT_NUM } },
	{ VIEW_VOL_INFO, { "clones", "clones", OUT_NUM } },
	{ VIEW_VOL_INFO, { "protected", "protected", OUT_BOOL } },
	{ VIEW_VOL_INFO, { "created", "created", OUT_NUM } },
	{ VIEW_VOL_INFO, { "used_objects", "used objects", OUT_NUM } },
	{ VIEW_SNAP_LIST, { "snap", "SNAPSHOT", OUT_STR } },
	{ VIEW_SNAP_LIST, { "size", "SIZE", OUT_SIZE } },
	{ VIEW_SNAP_LIST, { "clones", "CLONES", OUT_NUM } },
	{ VIEW_SNAP_LIST, { "protected", "PROTECTED", OUT_BOOL } },
	{ VIEW_SNAP_LIST, { "created", "CREATED", OUT_NUM } },
	{ VIEW_DEV_LIST, { "dev_id", "ID", OUT_NUM } },
	{ VIEW_DEV_LIST, { "path", "DEVICE", OUT_STR } },
	{ VIEW_DEV_LIST, { "pool", "POOL", OUT_STR } },
	{ VIEW_DEV_LIST, { "name", "VOLUME", OUT_STR } },
	{ VIEW_DEV_LIST, { "snap", "SNAPSHOT", OUT_STR } },
	{ VIEW_DEV_LIST, { "size", "SIZE", OUT_SIZE } },
	{ VIEW_DEV_LIST, { "ro", "RO", OUT_BOOL } },
	{ VIEW_DEV_LIST, { "state", "STATE", OUT_STR } },
	{ VIEW_DEV_SHOW, { "path", "device", OUT_STR } },
	{ VIEW_DEV_SHOW, { "pool", "pool", OUT_STR } },
	{ VIEW_DEV_SHOW, { "name", "volume", OUT_STR } },
	{ VIEW_DEV_SHOW, { "snap", "snapshot", OUT_STR } },
	{ VIEW_DEV_SHOW, { "size", "size", OUT_SIZE } },
	{ VIEW_DEV_SHOW, { "ro", "read-only", OUT_BOOL } },
	{ VIEW_DEV_SHOW, { "state", "state", OUT_STR } },
	{ VIEW_DEV_SHOW, { "lbs", "block size", OUT_NUM } },
	{ VIEW_DEV_SHOW, { "object_size", "object size", OUT_SIZE } },
	{ VIEW_DEV_SHOW, { "nr_queues", "queues", OUT_NUM } },
	{ VIEW_DEV_SHOW, { "queue_depth", "queue depth", OUT_NUM } },
	{ VIEW_DEV_SHOW, { "timeout", "timeout", OUT_NUM } },
	{ VIEW_DEV_SHOW, { "reads", "reads", OUT_NUM } },
	{ VIEW_DEV_SHOW, { "writes", "writes", OUT_NUM } },
	{ VIEW_DEV_SHOW, { "errors", "errors", OUT_NUM } },
	{ VIEW_POOL_LIST, { "name", "POOL", OUT_STR } },
	{ VIEW_POOL_CHECK, { "pool", "pool", OUT_STR } },
	{ VIEW_POOL_CHECK, { "volumes", "volumes", OUT_NUM } },
	{ VIEW_POOL_CHECK, { "snapshots", "snapshots", OUT_NUM } },
	{ VIEW_POOL_CHECK, { "objects", "objects", OUT_NUM } },
	{ VIEW_POOL_CHECK, { "unreferenced", "unreferenced", OUT_NUM } },
	{ VIEW_POOL_CHECK, { "dangling", "dangling", OUT_NUM } },
	{ VIEW_POOL_CHECK, { "bad_checksums", "bad checksums", OUT_NUM } },
	{ VIEW_POOL_CHECK, { "repaired", "repaired", OUT_NUM } },
	{ VIEW_POOL_CHECK, { "bad_copies", "bad copies", OUT_NUM } },
	{ VIEW_POOL_CHECK, { "copies_repaired", "copies fixed", OUT_NUM } },
	{ VIEW_POOL_CHECK, { "copy_note", "bad copy", OUT_STR } },
	{ VIEW_POOL_CHECK, { "shared", "shared", OUT_NUM } },
	{ VIEW_POOL_CHECK, { "pending", "pending", OUT_NUM } },
	{ VIEW_STATUS, { "daemon", "cvold", OUT_STR } },
	{ VIEW_STATUS, { "pid", "pid", OUT_NUM } },
	{ VIEW_STATUS, { "kernel_module", "kernel module", OUT_BOOL } },
	{ VIEW_STATUS, { "devices", "devices", OUT_NUM } },
};

/* The columns of @view, in order, into @cols (NULL-key ended) */
static void get_view(enum view view, struct out_col *cols)
{
	size_t i, n = 0;

	for (i = 0; i < sizeof(view_cols) / sizeof(view_cols[0]); i++)
		if (view_cols[i].view == view && n < OUT_MAX_COLS)
			cols[n++] = view_cols[i].col;
	cols[n].key = NULL;
}

/* ---- tables and dispatch ---- */

static int help_obj(struct vctx *c);
static int help_top(struct vctx *c);

static const struct verb vol_verbs[] = {
	{ "create", vol_create, ARG_VOL | OUT_NAME | VOPT_SIZE | VOPT_OBJSIZE,
	  VIEW_JSON, "[POOL/]VOLUME --size SIZE [--object-size SIZE]" },
	{ "list", vol_list, ARG_POOL | OUT_LIST, VIEW_VOL_LIST, "[POOL]" },
	{ "info", vol_info, ARG_ANY, VIEW_VOL_INFO,
	  "[POOL/]VOLUME[@SNAPSHOT]" },
	{ "rm", vol_rm, ARG_VOL | OUT_NAME, VIEW_JSON, "[POOL/]VOLUME" },
	{ "rename", vol_rename, ARG_VOL | ARG_NEW | OUT_NAME, VIEW_JSON,
	  "[POOL/]VOLUME NEWNAME" },
	{ "resize", vol_resize, ARG_VOL | OUT_NAME | VOPT_SIZE | VOPT_SHRINK,
	  VIEW_JSON, "[POOL/]VOLUME --size SIZE [--allow-shrink]" },
	{ "clone", vol_clone, ARG_SNAP | ARG_NEW | OUT_NAME, VIEW_JSON,
	  "[POOL/]VOLUME@SNAPSHOT NEWNAME" },
	{ "flatten", vol_flatten, ARG_VOL | OUT_NAME | V_PROGRESS, VIEW_JSON,
	  "[POOL/]VOLUME" },
	{ "help", help_obj, V_RAW, VIEW_JSON, "" },
	{ NULL },
};

static const struct verb snap_verbs[] = {
	{ "create", snap_create, ARG_SNAP | OUT_NAME, VIEW_JSON,
	  "[POOL/]VOLUME@SNAPSHOT" },
	{ "list", snap_list, ARG_VOL | OUT_LIST, VIEW_SNAP_LIST,
	  "[POOL/]VOLUME" },
	{ "rm", snap_rm, ARG_SNAP | OUT_NAME, VIEW_JSON,
	  "[POOL/]VOLUME@SNAPSHOT" },
	{ "rollback", snap_rollback, ARG_SNAP | OUT_NAME, VIEW_JSON,
	  "[POOL/]VOLUME@SNAPSHOT" },
	{ "help", help_obj, V_RAW, VIEW_JSON, "" },
	{ NULL },
};

static const struct verb dev_verbs[] = {
	{ "attach", dev_attach, ARG_ANY | OUT_NAME | OUT_PATH | VOPT_RO,
	  VIEW_JSON, "[POOL/]VOLUME[@SNAPSHOT] [-r|--read-only]" },
	{ "detach", dev_detach, ARG_DEV | VOPT_FORCE, VIEW_JSON,
	  "DEVICE|[POOL/]VOLUME[@SNAPSHOT] [-f|--force]" },
	{ "list", dev_list, OUT_LIST, VIEW_DEV_LIST, "" },
	{ "show", dev_show, ARG_DEV, VIEW_DEV_SHOW,
	  "DEVICE|[POOL/]VOLUME[@SNAPSHOT]" },
	{ "help", help_obj, V_RAW, VIEW_JSON, "" },
	{ NULL },
};

static const struct verb pool_verbs[] = {
	{ "list", pool_list, OUT_LIST, VIEW_POOL_LIST, "" },
	{ "create", pool_create, ARG_POOL, VIEW_JSON, "POOL" },
	{ "check", pool_check, ARG_POOL | VOPT_REPAIR | V_PROGRESS,
	  VIEW_POOL_CHECK, "[POOL] [--repair]" },
	{ "help", help_obj, V_RAW, VIEW_JSON, "" },
	{ NULL },
};

/* The verbs of the top-level words that are no OBJECT */
static const struct verb top_verbs[] = {
	{ "status", status, 0, VIEW_STATUS, "" },
	{ "help", help_top, V_RAW, VIEW_JSON, "" },
	{ NULL },
};

static const struct object objects[] = {
	{ "vol", vol_verbs, NULL, "volumes" },
	{ "snap", snap_verbs, NULL, "snapshots" },
	{ "dev", dev_verbs, NULL, "block devices" },
	{ "pool", pool_verbs, NULL, "pools" },
	{ "status", top_verbs, "status", "cvold and kernel module status" },
	{ "attach", dev_verbs, "attach", "same as dev attach" },
	{ "detach", dev_verbs, "detach", "same as dev detach" },
	{ "help", top_verbs, "help", "this text" },
	{ NULL },
};

static const struct object *cur_obj;

/* The verb of @verbs named @name; the NULL-name end if none */
static const struct verb *find_verb(const struct verb *verbs, const char *name)
{
	const struct verb *v;

	for (v = verbs; v->name; v++)
		if (!strcmp(v->name, name))
			break;
	return v;
}

/*
 * run_verb() - parse @argv (argv[0] is the verb) as @v says, call its
 * handler and print the result; the exit status.
 */
static int run_verb(const struct verb *v, int argc, char **argv)
{
	struct out_col cols[OUT_MAX_COLS + 1];
	const struct args_kind *k = args_kinds;
	struct vctx c = { .out = NULL };
	bool shown = false;
	int ret;

	if (v->flags & V_RAW)
		return v->fn(&c);
	while (k->flags && k->flags != (v->flags & ARG_ALL))
		k++;
	if (parse_verb(argc, argv, v->flags & VOPT_ALL, k->min, k->max, k->what,
		       &c.o) ||
	    parse_args(v->flags, &c) || open_ctl())
		return 1;
	if (v->flags & OUT_LIST)
		c.out = json_object_new_array();
	else if (v->flags & OUT_NAME)
		c.out = name_obj(v->flags & ARG_NEW ? &c.nn : &c.n);
	if (v->flags & V_PROGRESS)
		progress_start(&shown);
	ret = v->fn(&c);
	if (v->flags & V_PROGRESS)
		progress_end(shown);
	if (ret) {
		json_object_put(c.out);
		return lib_fail(ret);
	}
	get_view(v->view, cols);
	if (v->flags & OUT_LIST)
		out_table(c.out, cols);
	else if (v->view != VIEW_JSON)
		out_fields(c.out, cols);
	else
		out_line(c.out, v->flags & OUT_PATH ? "path" : NULL);
	if (v->view == VIEW_STATUS)
		status_unadopted_lines(c.out);
	json_object_put(c.out);
	return *c.late ? fail(-EUCLEAN, "%s", c.late) : 0;
}

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

static int help_obj(struct vctx *c)
{
	const struct verb *v;

	for (v = cur_obj->verbs; v->name; v++)
		if (strcmp(v->name, "help"))
			printf("cvolctl %s %s%s%s\n", cur_obj->name, v->name,
			       *v->usage ? " " : "", v->usage);
	return 0;
}

static int help_top(struct vctx *c)
{
	const struct object *o;

	printf("usage: cvolctl [-j|--json] [-p|--pretty] [-s|--socket PATH] OBJECT VERB [ARGS]\n");
	printf("       cvolctl -h|--help | -V|--version\n\n");
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
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static char what[64];
	const struct object *o;
	const struct verb *v;
	char words[256];
	int c, ret;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:jps:hV", lopts, NULL)) != -1) {
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
			return help_top(NULL);
		case 'V':
			printf("cvolctl %s\n", CVOL_VERSION);
			return 0;
		case ':':
			return fail(-EINVAL, "option %s needs a value",
				    argv[optind - 1]);
		default:
			return fail(
				-EINVAL,
				"unknown option %s (valid: -j, -p, -s PATH, -h, -V)",
				argv[optind - 1]);
		}
	}
	if (optind >= argc) {
		help_top(NULL);
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
	if (o->verb) {
		cur_what = o->name;
		ret = run_verb(find_verb(o->verbs, o->verb), argc - optind,
			       argv + optind);
		goto out;
	}
	list_words(words, sizeof(words), NULL, o->verbs);
	if (optind + 1 >= argc) {
		cur_what = o->name;
		ret = fail(-EINVAL, "missing verb (valid: %s)", words);
		goto out;
	}
	v = find_verb(o->verbs, argv[optind + 1]);
	if (!v->name) {
		cur_what = o->name;
		ret = fail(-EINVAL, "unknown verb \"%s\" (valid: %s)",
			   argv[optind + 1], words);
		goto out;
	}
	snprintf(what, sizeof(what), "%s %s", o->name, v->name);
	cur_what = what;
	ret = run_verb(v, argc - optind - 1, argv + optind + 1);
out:
	cvol_ctl_close(ctl);
	return ret ? 1 : 0;
}
