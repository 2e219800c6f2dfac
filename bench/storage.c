/* Storage backends (see storage.h): the disk the work directory is on, and
 * four that the sweep makes in its work directory and removes again:
 * tmpfs, a brd ramdisk with ext2 (the thesis's setup), a loop-mounted ext4
 * image and a zram device with ext2 (a RAM block device where the kernel
 * has no brd). Every change is registered as an undo action before it is
 * made, so an interrupted setup is undone as far as it got. */
#include "storage.h"
#include "undo.h" /* write_text */
#include "feature_checks.h" /* feature_brd: the probe doctor shows too */
#include "subproc.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#define MIB (1024ULL * 1024)

static int exists(const char *p)
{
	return access(p, F_OK) == 0;
}

static const char *find_exe(const char *const *c)
{
	for (; *c; c++)
		if (access(*c, X_OK) == 0)
			return *c;
	return NULL;
}

/* e2fsprogs' mke2fs (-t ext2|ext4): /usr/sbin first, since a guest's
 * /sbin/mke2fs is busybox's, which makes ext2 only. */
static const char *mke2fs(void)
{
	static const char *const c[] = { "/usr/sbin/mke2fs", "/sbin/mke2fs", NULL };

	return find_exe(c);
}

static const char *modprobe_path(void)
{
	static const char *const c[] = { "/usr/sbin/modprobe", "/sbin/modprobe", "/usr/bin/modprobe",
					 "/bin/modprobe", NULL };
	return find_exe(c);
}

/* Is TYPE in /proc/filesystems? */
static int fs_known(const char *type)
{
	FILE *f = fopen("/proc/filesystems", "r");
	char line[128];
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		char *name = strrchr(line, '\t'); /* "nodev\ttmpfs" or "\text4" */

		name = name ? name + 1 : line;
		name[strcspn(name, "\n")] = '\0';
		found = !strcmp(name, type);
	}
	fclose(f);
	return found;
}

static int read_u64(const char *path, unsigned long long *v)
{
	FILE *f = fopen(path, "r");
	int ok = f && fscanf(f, "%llu", v) == 1;

	if (f)
		fclose(f);
	return ok ? 0 : -1;
}

/* Is DEV mounted anywhere (as /proc/mounts names it)? */
static int mounted(const char *dev)
{
	FILE *f = fopen("/proc/mounts", "r");
	char line[1024];
	size_t n = strlen(dev);
	int found = 0;

	while (f && !found && fgets(line, sizeof(line), f))
		found = !strncmp(line, dev, n) && line[n] == ' ';
	if (f)
		fclose(f);
	return found;
}

/* The filesystem size for the data files: their bytes, a quarter more and
 * 16 MiB for metadata and the journal, in whole MiB. */
static uint64_t fs_bytes(const struct storage_env *env)
{
	uint64_t b = env->bytes + env->bytes / 4 + 16 * MIB;

	return (b + MIB - 1) / MIB * MIB;
}

/* WORKDIR/storage-NAME: the mount point */
static int mount_point(const struct storage_env *env, const char *name, struct storage_made *m, char *why,
		       size_t len)
{
	snprintf(m->dir, sizeof(m->dir), "%s/storage-%s", env->workdir, name);
	if (mkdir(m->dir, 0700) && errno != EEXIST) {
		snprintf(why, len, "mkdir %s: %s", m->dir, strerror(errno));
		return -1;
	}
	return 0;
}

/* mke2fs -t TYPE DEV SIZE: no reserved blocks, one inode per MiB (a few
 * large files), every table written now (no lazy init thread writing into
 * the measurements). */
static int make_fs(const struct storage_env *env, const char *type, const char *dev, uint64_t bytes, char *why,
		   size_t len)
{
	const char *mk = mke2fs();
	char size[32], out[256];
	int st;

	if (!mk) {
		snprintf(why, len, "no mke2fs (apt-get install e2fsprogs)");
		return -1;
	}
	snprintf(size, sizeof(size), "%lluk", (unsigned long long)(bytes / 1024));
	/* ext2 has no journal and no lazy init to turn off */
	int ext4 = !strcmp(type, "ext4");
	char *argv[] = { (char *)mk, "-q", "-F", "-t", (char *)type, "-m", "0", "-i", "1048576",
			 ext4 ? "-E" : (char *)dev, ext4 ? "nodiscard,lazy_itable_init=0,lazy_journal_init=0" : size,
			 ext4 ? (char *)dev : NULL, size, NULL };
	st = env->run(env->arg, argv, out, sizeof(out));
	if (st) {
		snprintf(why, len, "mke2fs -t %s %s failed: %s", type, dev, out[0] ? out : "(no message)");
		return -1;
	}
	return 0;
}

/* Mount DEV (TYPE) on m->dir, registering its unmount first. */
static int mount_fs(const struct storage_env *env, struct storage_made *m, const char *dev, const char *type,
		    const char *data, char *why, size_t len)
{
	env->undo(env->arg, "u %s", m->dir);
	if (mount(dev, m->dir, type, MS_NOSUID | MS_NODEV, data)) {
		snprintf(why, len, "mount -t %s %s %s: %s", type, dev, m->dir, strerror(errno));
		return -1;
	}
	snprintf(m->fs, sizeof(m->fs), "%s", type);
	return 0;
}

/* ---- disk ---- */

static int disk_check(char *why, size_t len)
{
	(void)why;
	(void)len;
	return 0;
}

static int disk_setup(const struct storage_env *env, struct storage_made *m, char *why, size_t len)
{
	(void)why;
	(void)len;
	snprintf(m->dir, sizeof(m->dir), "%s", env->workdir);
	return 0;
}

/* ---- tmpfs ---- */

static int tmpfs_check(char *why, size_t len)
{
	if (fs_known("tmpfs"))
		return 0;
	snprintf(why, len, "the kernel has no tmpfs (not in /proc/filesystems)");
	return -1;
}

static int tmpfs_setup(const struct storage_env *env, struct storage_made *m, char *why, size_t len)
{
	char data[64];

	m->size = fs_bytes(env);
	snprintf(data, sizeof(data), "size=%llu,mode=0700", (unsigned long long)m->size);
	if (mount_point(env, "tmpfs", m, why, len))
		return -1;
	return mount_fs(env, m, "tmpfs", "tmpfs", data, why, len);
}

/* ---- brd ---- */

static int brd_check(char *why, size_t len)
{
	if (exists("/sys/block/ram0"))
		return 0;
	if (!fs_known("ext2")) {
		snprintf(why, len, "the kernel cannot mount ext2 (not in /proc/filesystems)");
		return -1;
	}
	return feature_brd(why, len) ? 0 : -1;
}

static int brd_setup(const struct storage_env *env, struct storage_made *m, char *why, size_t len)
{
	unsigned long long sectors = 0; /* (named in the reason when it cannot be read) */
	const char *mp;
	char out[256], size[48];
	int st;

	m->size = fs_bytes(env);
	if (!exists("/sys/block/ram0")) {
		/* a module we load: one device of the size we need, removed at the end */
		if (exists("/sys/module/brd")) {
			snprintf(why, len, "brd is loaded but has no ram0 (loaded with rd_nr=0?)");
			return -1;
		}
		mp = modprobe_path();
		if (!mp) {
			snprintf(why, len, "no ram0 and no modprobe to load brd");
			return -1;
		}
		snprintf(size, sizeof(size), "rd_size=%llu", (unsigned long long)(m->size / 1024));
		char *argv[] = { (char *)mp, "brd", "rd_nr=1", size, NULL };

		env->undo(env->arg, "m brd");
		st = env->run(env->arg, argv, out, sizeof(out));
		if (st || !exists("/sys/block/ram0")) {
			snprintf(why, len, "modprobe brd %s failed: %s", size, out[0] ? out : "(no ram0)");
			return -1;
		}
	} else if (mounted("/dev/ram0")) {
		snprintf(why, len, "/dev/ram0 is mounted already (someone else's)");
		return -1;
	}
	/* built in: its size is the kernel's (brd.rd_size=KiB on its command line) */
	if (read_u64("/sys/block/ram0/size", &sectors) || sectors * 512 < m->size) {
		snprintf(why, len, "/dev/ram0 holds %llu MiB, the data files need %llu (boot with brd.rd_size=%llu)",
			 sectors * 512 / MIB, (unsigned long long)(m->size / MIB),
			 (unsigned long long)(m->size / 1024));
		return -1;
	}
	if (!exists("/dev/ram0")) {
		snprintf(why, len, "/sys/block/ram0 but no /dev/ram0 (no devtmpfs?)");
		return -1;
	}
	snprintf(m->device, sizeof(m->device), "/dev/ram0");
	if (mount_point(env, "brd", m, why, len) || make_fs(env, "ext2", m->device, m->size, why, len))
		return -1;
	return mount_fs(env, m, m->device, "ext2", "", why, len);
}

/* ---- loop ---- */

static int loop_check(char *why, size_t len)
{
	if (!exists("/dev/loop-control"))
		snprintf(why, len, "no /dev/loop-control (the kernel has no loop driver)");
	else if (!fs_known("ext4"))
		snprintf(why, len, "the kernel cannot mount ext4 (not in /proc/filesystems)");
	else if (!mke2fs())
		snprintf(why, len, "no mke2fs (apt-get install e2fsprogs)");
	else
		return 0;
	return -1;
}

/* A free loop device bound to IMG, detached by the kernel once its last
 * user (our descriptor, then the mount) is gone: nothing to undo but the
 * mount, even after a SIGKILL. Returns its descriptor, or -1. */
static int loop_attach(int img, char *dev, size_t devlen, char *why, size_t len)
{
	struct loop_config cfg = { .fd = (unsigned)img, .info = { .lo_flags = LO_FLAGS_AUTOCLEAR } };
	int ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC), fd = -1;

	if (ctl < 0) {
		snprintf(why, len, "/dev/loop-control: %s", strerror(errno));
		return -1;
	}
	for (int tries = 0; tries < 8 && fd < 0; tries++) {
		int n = ioctl(ctl, LOOP_CTL_GET_FREE);

		if (n < 0) {
			snprintf(why, len, "no free loop device: %s", strerror(errno));
			break;
		}
		snprintf(dev, devlen, "/dev/loop%d", n);
		fd = open(dev, O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			snprintf(why, len, "%s: %s", dev, strerror(errno));
			break;
		}
		if (ioctl(fd, LOOP_CONFIGURE, &cfg)) {
			int e = errno;

			snprintf(why, len, "LOOP_CONFIGURE %s: %s", dev, strerror(e));
			close(fd);
			fd = -1;
			if (e != EBUSY) /* EBUSY: someone took it first */
				break;
		}
	}
	close(ctl);
	return fd;
}

static int loop_setup(const struct storage_env *env, struct storage_made *m, char *why, size_t len)
{
	char img[PATH_MAX];
	int ifd, lfd, rc;

	m->size = fs_bytes(env);
	snprintf(img, sizeof(img), "%s/storage-loop.img", env->workdir);
	ifd = open(img, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (ifd < 0 || ftruncate(ifd, (off_t)m->size)) {
		snprintf(why, len, "%s: %s", img, strerror(errno));
		if (ifd >= 0)
			close(ifd);
		return -1;
	}
	if (make_fs(env, "ext4", img, m->size, why, len) || mount_point(env, "loop", m, why, len)) {
		close(ifd);
		return -1;
	}
	lfd = loop_attach(ifd, m->device, sizeof(m->device), why, len);
	close(ifd);
	if (lfd < 0)
		return -1;
	rc = mount_fs(env, m, m->device, "ext4", "", why, len);
	close(lfd); /* the mount holds it now; without one, the device is free again */
	return rc;
}

/* ---- zram ---- */

/* Can modprobe load NAME? (-n: a dry run, nothing is loaded) */
static int module_loadable(const char *name, char *why, size_t len)
{
	static const struct subproc_run o = { .merge_stderr = true, .first_line = true, .timeout_ms = 10000 };
	const char *mp = modprobe_path();
	char out[200] = "", dir[320];
	struct utsname u;

	if (uname(&u) == 0) {
		snprintf(dir, sizeof(dir), "/lib/modules/%s", u.release);
		if (!exists(dir)) {
			snprintf(why, len, "the kernel has no %s (not built in, and no %s)", name, dir);
			return 0;
		}
	}
	if (!mp) {
		snprintf(why, len, "no modprobe to load %s", name);
		return 0;
	}
	char *argv[] = { (char *)mp, "-n", (char *)name, NULL };

	if (subproc_run(argv, &o, out, sizeof(out)) == 0)
		return 1;
	snprintf(why, len, "the kernel has no %s (not built in; modprobe -n %s: %s)", name, name,
		 out[0] ? out : "failed");
	return 0;
}

static int zram_check(char *why, size_t len)
{
	if (!fs_known("ext2"))
		snprintf(why, len, "the kernel cannot mount ext2 (not in /proc/filesystems)");
	else if (!mke2fs())
		snprintf(why, len, "no mke2fs (apt-get install e2fsprogs)");
	else if (!exists("/sys/class/zram-control") && exists("/sys/module/zram"))
		snprintf(why, len, "zram is loaded without zram-control");
	else if (!exists("/sys/class/zram-control") && !module_loadable("zram", why, len))
		;
	else
		return 0;
	return -1;
}

static int zram_setup(const struct storage_env *env, struct storage_made *m, char *why, size_t len)
{
	char out[256] = "no modprobe", path[128], v[32];
	int id = -1, st;
	FILE *f;

	m->size = fs_bytes(env);
	if (!exists("/sys/class/zram-control")) {
		const char *mp = modprobe_path();
		char *argv[] = { (char *)mp, "zram", "num_devices=0", NULL };

		env->undo(env->arg, "m zram");
		st = mp ? env->run(env->arg, argv, out, sizeof(out)) : -1;
		if (st || !exists("/sys/class/zram-control")) {
			snprintf(why, len, "modprobe zram failed: %s", st ? out : "no zram-control appeared");
			return -1;
		}
	}
	/* a device of our own (reading hot_add makes one), removed at the end */
	f = fopen("/sys/class/zram-control/hot_add", "r");
	if (!f || fscanf(f, "%d", &id) != 1 || id < 0) {
		snprintf(why, len, "zram hot_add: %s", f ? "no device number" : strerror(errno));
		if (f)
			fclose(f);
		return -1;
	}
	fclose(f);
	env->undo(env->arg, "z %d", id);
	snprintf(m->device, sizeof(m->device), "/dev/zram%d", id);
	snprintf(path, sizeof(path), "/sys/block/zram%d/disksize", id);
	snprintf(v, sizeof(v), "%llu", (unsigned long long)m->size);
	if (write_text(path, v)) {
		snprintf(why, len, "%s = %s: %s", path, v, strerror(errno));
		return -1;
	}
	if (mount_point(env, "zram", m, why, len) || make_fs(env, "ext2", m->device, m->size, why, len))
		return -1;
	return mount_fs(env, m, m->device, "ext2", "", why, len);
}

static const struct storage_ops storages[] = {
	{ "disk", "the work directory's filesystem (cob-sweep --workdir, default /var/tmp)", disk_check,
	  disk_setup },
	{ "tmpfs", "a tmpfs mounted for the sweep (page cache only: nothing to evict to)", tmpfs_check,
	  tmpfs_setup },
	{ "brd", "a brd RAM disk (ram0) with ext2, as in the thesis; the module loaded for the sweep, or the built-in one",
	  brd_check, brd_setup },
	{ "loop", "an ext4 image in the work directory, mounted through a loop device", loop_check,
	  loop_setup },
	{ "zram", "a zram device of its own (hot_add) with ext2: the RAM disk where the kernel has no brd",
	  zram_check, zram_setup },
};

COB_REGISTRY_DEFINE(storage, struct storage_ops, storages)
