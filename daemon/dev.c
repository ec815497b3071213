// SPDX-License-Identifier: GPL-2.0
/*
 * cvold: pools and devices.  Attach opens a volume with the engine, creates
 * the kernel device over generic netlink and starts its queue threads;
 * detach reverses that; adoption re-serves devices a previous cvold left,
 * once the volume their names resolve to is the one they were attached to
 * (the backend identity, Documentation/uapi.md).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cvold-int.h"

/*
 * The pool @name, opened on first use and cached.  A pool exists once it
 * is created (@create: cvold_pool_create()) or named in the configuration
 * file; "default" is created on first use (zero configuration).  Anything
 * else is "no pool", and nothing is created for it.
 * Called with d->lock held.
 */
static int pool_get_locked(struct cvold *d, const char *name, bool create,
			   struct cvol_pool **out)
{
	struct cvol_store_conf conf = { .driver = "file", .pool = name };
	struct cvold_pool_ent *p;
	char path[4096];
	int ret;

	for (p = d->pools; p; p = p->next) {
		if (!strcmp(p->name, name)) {
			*out = p->pool;
			return 0;
		}
	}
	/* pools named in the config file (e.g. RADOS) use their own store */
	if (cvol_config_pool(d->config, name, &conf)) {
		if (snprintf(path, sizeof(path), "%s/%s", d->store_root,
			     name) >= (int)sizeof(path))
			return cvol_seterr(-ENAMETOOLONG, "pool path too long");
		conf.path = path;
		conf.existing = !create && strcmp(name, "default");
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return cvol_seterr(-ENOMEM, "out of memory");
	ret = cvol_pool_open(&conf, &p->pool);
	if (ret) {
		free(p);
		return ret;
	}
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->next = d->pools;
	d->pools = p;
	*out = p->pool;
	return 0;
}

struct cvol_pool *cvold_pool(struct cvold *d, const char *pool)
{
	struct cvol_pool *p = NULL;

	pthread_mutex_lock(&d->lock);
	pool_get_locked(d, pool, false, &p);
	pthread_mutex_unlock(&d->lock);
	return p;
}

int cvold_pool_create(struct cvold *d, const char *pool)
{
	struct cvol_pool *p;
	int ret;

	pthread_mutex_lock(&d->lock);
	ret = pool_get_locked(d, pool, false, &p);
	if (!ret)
		ret = cvol_seterr(-EEXIST, "pool \"%s\" exists", pool);
	else if (ret == -ENOENT)
		ret = pool_get_locked(d, pool, true, &p);
	pthread_mutex_unlock(&d->lock);
	return ret;
}

int cvold_pool_list(struct cvold *d, cvol_name_cb cb, void *arg)
{
	struct dirent *de;
	struct stat st;
	DIR *dir;
	int ret, fd;

	ret = cb(arg, "default");
	if (ret)
		return ret;
	dir = opendir(d->store_root);
	if (!dir)
		return cvol_seterr(-errno, "store root %s: %s", d->store_root,
				   strerror(errno));
	fd = dirfd(dir);
	while (!ret && (de = readdir(dir))) {
		if (!cvol_name_valid(de->d_name) ||
		    fstatat(fd, de->d_name, &st, 0) || !S_ISDIR(st.st_mode))
			continue;
		ret = cb(arg, de->d_name);
	}
	closedir(dir);
	pthread_mutex_lock(&d->lock);
	if (!ret && d->config)
		ret = cvol_config_pools(d->config, cb, arg);
	pthread_mutex_unlock(&d->lock);
	return ret;
}

static const char *snap_or_empty(const char *snap)
{
	return snap ? snap : "";
}

/* wait until the kernel shows the disk: state live (bounded) */
static int wait_live(uint32_t id)
{
	struct cvold_nl_dev nd;
	int i, ret;

	for (i = 0; i < 200; i++) {
		ret = cvold_nl_dev_get(id, &nd);
		if (ret)
			return ret;
		if (nd.state == CVOL_STATE_LIVE)
			return 0;
		usleep(50 * 1000);
	}
	return cvol_seterr(-ETIMEDOUT, "cvol%u did not come up in 10 s", id);
}

/*
 * The backend identity of a device serving volume @vol_id (@layer_id: the
 * snapshot's layer, 0 for the head) of @pool: what DEV_ADD records in the
 * kernel and adoption compares.
 */
static void identity_fmt(char id[CVOL_IDENTITY_LEN + 1], struct cvol_pool *pool,
			 uint64_t vol_id, uint64_t layer_id)
{
	int n;

	n = snprintf(id, CVOL_IDENTITY_LEN + 1, "cvol1:%s:v%llu",
		     cvol_pool_uuid(pool), (unsigned long long)vol_id);
	if (layer_id)
		snprintf(id + n, CVOL_IDENTITY_LEN + 1 - n, ":s%llu",
			 (unsigned long long)layer_id);
}

/*
 * Is open volume @vol (device @nd's names resolved now) the one @nd was
 * attached to?  0 if so, or if @nd records no identity (added by an older
 * cvold); else -ESTALE, with @why saying what differs.
 */
static int identity_check(const struct cvold_nl_dev *nd, struct cvol_pool *pool,
			  struct cvol_vol *vol, char *why, size_t cap)
{
	char now[CVOL_IDENTITY_LEN + 1];
	uint64_t vol_id, layer_id;

	if (!nd->identity[0]) {
		cvold_log(
			"cvol%u: no backend identity recorded (attached by an older cvold): serving %s/%s%s%s by name",
			nd->id, nd->pool, nd->vol, nd->snap[0] ? "@" : "",
			nd->snap);
		return 0;
	}
	cvol_vol_ids(vol, &vol_id, &layer_id);
	identity_fmt(now, pool, vol_id, nd->snap[0] ? layer_id : 0);
	if (!strcmp(now, nd->identity))
		return 0;
	snprintf(
		why, cap,
		"%s/%s%s%s is not the volume the device was attached to (identity %s, now %s): removed, renamed or re-created, or another pool",
		nd->pool, nd->vol, nd->snap[0] ? "@" : "", nd->snap,
		nd->identity, now);
	return -ESTALE;
}

/* @info: the names, access and size of kernel device @nd */
static void info_from_nl(struct cvold_dev_info *info,
			 const struct cvold_nl_dev *nd)
{
	info->dev_id = nd->id;
	snprintf(info->pool, sizeof(info->pool), "%s", nd->pool);
	snprintf(info->vol, sizeof(info->vol), "%s", nd->vol);
	snprintf(info->snap, sizeof(info->snap), "%s", nd->snap);
	info->ro = nd->flags & CVOL_DEV_F_RDONLY;
	info->size = nd->size;
}

/* Remember that @nd could not be adopted, and @why; d->lock held */
static void unadopted_add_locked(struct cvold *d, const struct cvold_nl_dev *nd,
				 const char *why)
{
	struct cvold_unadopted *u = calloc(1, sizeof(*u));

	if (!u)
		return; /* the log line still says it */
	info_from_nl(&u->info, nd);
	snprintf(u->info.error, sizeof(u->info.error), "%s", why);
	u->next = d->unadopted;
	d->unadopted = u;
}

/* Forget the failed adoption of @dev_id, if any; d->lock held */
static void unadopted_drop_locked(struct cvold *d, uint32_t dev_id)
{
	struct cvold_unadopted **pp, *u;

	for (pp = &d->unadopted; (u = *pp);) {
		if (u->info.dev_id == dev_id) {
			*pp = u->next;
			free(u);
		} else {
			pp = &u->next;
		}
	}
}

/*
 * Open the volume and serve device @nd; called with d->lock held.
 * @adopt: @nd is a device a previous cvold left; if its names now resolve
 * to another volume, serve it fenced (every request fails with -EIO)
 * rather than with that volume's data.  Otherwise such a device is an
 * error (-ESTALE).
 */
static int serve_locked(struct cvold *d, const struct cvold_nl_dev *nd,
			bool adopt, struct cvold_dev **out)
{
	struct cvold_dev *dev;
	struct cvol_pool *pool;
	unsigned int i;
	int ret;

	ret = pool_get_locked(d, nd->pool, false, &pool);
	if (ret)
		return ret;
	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return cvol_seterr(-ENOMEM, "out of memory");
	dev->d = d;
	info_from_nl(&dev->info, nd);
	dev->nr_queues = nd->nr_queues;
	if (dev->nr_queues > CVOLD_QUEUES) {
		ret = cvol_seterr(-EINVAL, "cvol%u has %u queues, cvold serves %u",
				  nd->id, nd->nr_queues, CVOLD_QUEUES);
		goto err_free;
	}
	for (i = 0; i < CVOLD_QUEUES; i++) {
		dev->q[i].dev = dev;
		dev->q[i].index = i;
		dev->q[i].fd = -1;
	}
	ret = cvol_vol_open(pool, nd->vol, nd->snap[0] ? nd->snap : NULL,
			    dev->info.ro ? CVOL_OPEN_RDONLY : 0, &dev->vol);
	if (ret)
		goto err_free;
	ret = identity_check(nd, pool, dev->vol, dev->info.error,
			     sizeof(dev->info.error));
	if (ret) {
		cvol_vol_close(dev->vol);
		dev->vol = NULL;
		if (!adopt) {
			ret = cvol_seterr(ret, "%s", dev->info.error);
			goto err_free;
		}
		cvold_log(
			"cvol%u: fenced, every request fails with EIO until detached: %s",
			nd->id, dev->info.error);
	}
	for (i = 0; i < dev->nr_queues; i++) {
		ret = cvold_queue_start(&dev->q[i]);
		if (ret)
			goto err_stop;
	}
	dev->next = d->devs;
	d->devs = dev;
	/* an id the kernel gave again after another tool removed the device */
	unadopted_drop_locked(d, nd->id);
	*out = dev;
	return 0;

err_stop:
	cvold_queue_stop(dev);
	cvol_vol_close(dev->vol);
err_free:
	free(dev);
	return ret;
}

/*
 * An attach of what @dev serves: its id in @dev_id when it serves it as
 * @ro asks, else -EBUSY (never the device with the other access).
 */
static int attach_again(const struct cvold_dev *dev, bool ro, uint32_t *dev_id)
{
	if (!dev->vol)
		return cvol_seterr(
			-EBUSY,
			"cvol%u holds this name but is fenced (%s): detach it first",
			dev->info.dev_id, dev->info.error);
	if (dev->info.ro != ro)
		return cvol_seterr(
			-EBUSY,
			"volume '%s' is attached %s as /dev/cvol%u: detach it to attach it %s",
			dev->info.vol,
			dev->info.ro ? "read-only" : "read-write",
			dev->info.dev_id, ro ? "read-only" : "read-write");
	*dev_id = dev->info.dev_id;
	return 0;
}

int cvold_attach(struct cvold *d, const char *pool, const char *vol,
		 const char *snap, bool ro, uint32_t *dev_id)
{
	struct cvold_nl_dev nd = { 0 };
	struct cvol_vol_info info;
	struct cvold_dev *dev;
	struct cvol_pool *p;
	int ret;

	pthread_mutex_lock(&d->lock);
	for (dev = d->devs; dev; dev = dev->next) {
		if (!strcmp(dev->info.pool, pool) &&
		    !strcmp(dev->info.vol, vol) &&
		    !strcmp(dev->info.snap, snap_or_empty(snap))) {
			ret = attach_again(dev, ro || snap, dev_id);
			pthread_mutex_unlock(&d->lock);
			return ret;
		}
	}
	ret = pool_get_locked(d, pool, false, &p);
	if (ret)
		goto out_unlock;
	ret = cvol_vol_info(p, vol, snap, &info);
	if (ret)
		goto out_unlock;
	nd.size = info.size;
	nd.order = info.order;
	nd.nr_queues = CVOLD_QUEUES;
	nd.depth = CVOLD_DEPTH;
	nd.flags = (ro || snap) ? CVOL_DEV_F_RDONLY : 0;
	snprintf(nd.pool, sizeof(nd.pool), "%s", pool);
	snprintf(nd.vol, sizeof(nd.vol), "%s", vol);
	snprintf(nd.snap, sizeof(nd.snap), "%s", snap_or_empty(snap));
	identity_fmt(nd.identity, p, info.vol_id,
		     nd.snap[0] ? info.layer_id : 0);
	ret = cvold_nl_dev_add(&nd);
	if (ret)
		goto out_unlock;
	ret = serve_locked(d, &nd, false, &dev);
	if (ret) {
		char msg[512];

		snprintf(msg, sizeof(msg), "%s", cvol_errmsg());
		cvold_nl_dev_remove(nd.id, true);
		cvol_seterr(ret, "%s", msg);
		goto out_unlock;
	}
	pthread_mutex_unlock(&d->lock);
	ret = wait_live(nd.id);
	if (ret)
		return ret;
	cvold_log("cvol%u: attached %s/%s%s%s%s, %llu bytes", nd.id, pool, vol,
		  snap ? "@" : "", snap_or_empty(snap),
		  nd.flags & CVOL_DEV_F_RDONLY ? " read-only" : "",
		  (unsigned long long)nd.size);
	*dev_id = nd.id;
	return 0;

out_unlock:
	pthread_mutex_unlock(&d->lock);
	return ret;
}

int cvold_unadopted_list(struct cvold *d, cvold_dev_cb cb, void *arg)
{
	struct cvold_unadopted *u, *next;
	struct cvold_nl_dev nd;
	int ret = 0;

	pthread_mutex_lock(&d->lock);
	for (u = d->unadopted; u && !ret; u = next) {
		next = u->next;
		/* removed behind cvold's back (DEV_REMOVE by another tool) */
		ret = cvold_nl_dev_get(u->info.dev_id, &nd);
		if (ret == -ENOENT) {
			unadopted_drop_locked(d, u->info.dev_id);
			ret = 0;
			continue;
		}
		if (!ret)
			u->info.state = nd.state;
		ret = cb(arg, &u->info);
	}
	pthread_mutex_unlock(&d->lock);
	return ret;
}

int cvold_detach(struct cvold *d, uint32_t dev_id, bool force)
{
	struct cvold_dev **pp, *dev;
	int ret;

	pthread_mutex_lock(&d->lock);
	for (pp = &d->devs; *pp; pp = &(*pp)->next)
		if ((*pp)->info.dev_id == dev_id)
			break;
	dev = *pp;
	ret = cvold_nl_dev_remove(dev_id, force);
	if (ret) {
		pthread_mutex_unlock(&d->lock);
		return ret;
	}
	unadopted_drop_locked(d, dev_id);
	if (dev) {
		*pp = dev->next;
		cvold_queue_stop(dev);
		ret = cvol_vol_close(dev->vol);
		if (ret)
			cvold_log("cvol%u (%s/%s): close: %s", dev_id,
				  dev->info.pool, dev->info.vol, cvol_errmsg());
		cvold_log("cvol%u: detached %s/%s%s%s", dev_id, dev->info.pool,
			  dev->info.vol, dev->info.snap[0] ? "@" : "",
			  dev->info.snap);
		free(dev);
	}
	pthread_mutex_unlock(&d->lock);
	return 0;
}

int cvold_dev_list(struct cvold *d, cvold_dev_cb cb, void *arg)
{
	struct cvold_dev *dev;
	unsigned int i;
	int ret = 0;

	pthread_mutex_lock(&d->lock);
	for (dev = d->devs; dev && !ret; dev = dev->next) {
		struct cvold_nl_dev nd;

		const char *why = dev->vol ? cvol_vol_failed(dev->vol) : NULL;

		if (!cvold_nl_dev_get(dev->info.dev_id, &nd))
			dev->info.state = nd.state;
		/* a fenced device keeps its reason; else a queue given up */
		for (i = 0; dev->vol && i < dev->nr_queues; i++)
			if (__atomic_load_n(&dev->q[i].gave_up,
					    __ATOMIC_ACQUIRE)) {
				snprintf(dev->info.error,
					 sizeof(dev->info.error), "%s",
					 dev->q[i].why);
				break;
			}
		snprintf(dev->info.failed, sizeof(dev->info.failed), "%s",
			 why ? why : "");
		ret = cb(arg, &dev->info);
	}
	pthread_mutex_unlock(&d->lock);
	return ret;
}

static int adopt_one(void *arg, const struct cvold_nl_dev *nd)
{
	struct cvold *d = arg;
	struct cvold_dev *dev;
	int ret;

	pthread_mutex_lock(&d->lock);
	ret = serve_locked(d, nd, true, &dev);
	if (ret)
		unadopted_add_locked(d, nd, cvol_errmsg());
	pthread_mutex_unlock(&d->lock);
	if (ret)
		cvold_log("cvol%u: cannot adopt %s/%s%s%s: %s", nd->id,
			  nd->pool, nd->vol, nd->snap[0] ? "@" : "", nd->snap,
			  cvol_errmsg());
	else if (dev->vol)
		cvold_log("cvol%u: adopted %s/%s%s%s", nd->id, nd->pool,
			  nd->vol, nd->snap[0] ? "@" : "", nd->snap);
	return 0;
}

/* serve the devices a previous cvold left behind */
int cvold_adopt(struct cvold *d)
{
	int ret;

	ret = cvold_nl_dev_dump(adopt_one, d);
	if (ret == -ENODEV)
		cvold_log("%s: serving volume operations only", cvol_errmsg());
	return ret == -ENODEV ? 0 : ret;
}

/* SIGTERM: flush, stop serving, leave the devices in place */
void cvold_shutdown(struct cvold *d)
{
	struct cvold_pool_ent *p;
	struct cvold_dev *dev;

	pthread_mutex_lock(&d->lock);
	while ((dev = d->devs)) {
		d->devs = dev->next;
		cvold_queue_stop(dev);
		if (dev->vol && !dev->info.ro && cvol_vol_flush(dev->vol))
			cvold_log("cvol%u (%s/%s): flush: %s", dev->info.dev_id,
				  dev->info.pool, dev->info.vol, cvol_errmsg());
		cvol_vol_close(dev->vol);
		cvold_log("cvol%u: left in place, %s/%s%s%s flushed",
			  dev->info.dev_id, dev->info.pool, dev->info.vol,
			  dev->info.snap[0] ? "@" : "", dev->info.snap);
		free(dev);
	}
	while (d->unadopted)
		unadopted_drop_locked(d, d->unadopted->info.dev_id);
	while ((p = d->pools)) {
		d->pools = p->next;
		cvol_pool_close(p->pool);
		free(p);
	}
	pthread_mutex_unlock(&d->lock);
}
