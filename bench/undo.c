/* Undo actions (see undo.h): run by cob-sweep's cleanup and by its guard. */
#include "undo.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int undo_push(struct undo_list *u, const char *line)
{
	if (u->n >= UNDO_MAX || strlen(line) >= UNDO_LINE)
		return -1;
	u->line[u->n] = strdup(line);
	if (!u->line[u->n])
		return -1;
	u->n++;
	return 0;
}

static void nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

int write_text(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, value, strlen(value));
	close(fd);
	return n == (ssize_t)strlen(value) ? 0 : -1;
}

/* Tries an action that can be busy for a moment after its users were killed
 * (the processes of a killed group still closing files): up to 3 s. */
static int retry(int (*fn)(const char *), const char *arg)
{
	for (int i = 0; i < 60; i++) {
		if (!fn(arg))
			return 0;
		if (errno != EBUSY)
			return -1;
		nap_ms(50);
	}
	return -1;
}

static int do_umount(const char *p)
{
	return umount2(p, 0) && errno != EINVAL && errno != ENOENT ? -1 : 0;
}

static int do_zram(const char *id)
{
	return write_text("/sys/class/zram-control/hot_remove", id);
}

static int do_rmmod(const char *name)
{
	/* ENOENT: not loaded; ENOSYS: a kernel without modules, so none was loaded */
	return syscall(SYS_delete_module, name, O_NONBLOCK) && errno != ENOENT && errno != ENOSYS ? -1 : 0;
}

static int do_rmdir(const char *p)
{
	return rmdir(p) && errno != ENOENT ? -1 : 0;
}

int undo_run(const char *line, int loud)
{
	const char *arg = line + 2;
	int rc = -1;

	if (strlen(line) < 3 || line[1] != ' ')
		return -1;
	switch (line[0]) {
	case 'u':
		rc = retry(do_umount, arg);
		if (rc)
			rc = umount2(arg, MNT_DETACH); /* still busy: at least out of the tree */
		break;
	case 'z':
		rc = retry(do_zram, arg);
		break;
	case 'm':
		rc = retry(do_rmmod, arg);
		break;
	case 'w': {
		char path[UNDO_LINE];
		const char *sp = strchr(arg, ' ');

		if (!sp || (size_t)(sp - arg) >= sizeof(path))
			return -1;
		memcpy(path, arg, (size_t)(sp - arg));
		path[sp - arg] = '\0';
		rc = write_text(path, sp + 1);
		break;
	}
	case 'c':
		rc = retry(do_rmdir, arg);
		break;
	}
	if (rc && loud)
		fprintf(stderr, "cob-sweep: cannot undo '%s': %s\n", line, strerror(errno));
	return rc;
}

void undo_all(struct undo_list *u, int loud)
{
	while (u->n) {
		char *l = u->line[--u->n];

		undo_run(l, loud);
		free(l);
	}
}
