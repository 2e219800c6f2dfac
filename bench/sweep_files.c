/* cob-sweep's files: directories, paths, and results committed into DIR
 * (written as NAME.tmp, renamed into place; removed again if a later step
 * fails). */
#include "sweep.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* PATH is in DIR now: removed again if a later step fails. */
void sweep_committed(struct sweep *s, const char *path)
{
	if (s->ncommitted < sizeof(s->committed) / sizeof(s->committed[0]))
		s->committed[s->ncommitted++] = strdup(path);
}

int sweep_mkdir_p(const char *path, int *created)
{
	char tmp[PATH_MAX];
	size_t len = strlen(path);

	*created = 0;
	if (len >= sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(tmp, path, len + 1);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(tmp, 0755)) {
		struct stat sb;

		if (errno != EEXIST)
			return -1;
		if (stat(tmp, &sb) || !S_ISDIR(sb.st_mode)) {
			errno = ENOTDIR;
			return -1;
		}
		return 0;
	}
	*created = 1;
	return 0;
}

char *sweep_path(struct sweep *s, const char *dir, const char *name)
{
	char *p;

	if (asprintf(&p, "%s/%s", dir, name) < 0)
		sweep_fail(s, 1, "out of memory");
	return p;
}

/* The work directory (data files, per-run files): ours, removed at exit. */
static void make_workdir(struct sweep *s)
{
	const char *base = s->opt.workdir ? s->opt.workdir : "/var/tmp";
	char path[PATH_MAX];
	int created;

	if (sweep_mkdir_p(base, &created))
		sweep_fail(s, 1, "cannot create %s: %s", base, strerror(errno));
	for (int i = 0; i < 100; i++) {
		if (i)
			snprintf(path, sizeof(path), "%s/copyout-bench-%d.%d", base, (int)getpid(), i);
		else
			snprintf(path, sizeof(path), "%s/copyout-bench-%d", base, (int)getpid());
		if (!mkdir(path, 0700)) {
			s->workdir = realpath(path, NULL);
			if (!s->workdir)
				s->workdir = strdup(path);
			return;
		}
		if (errno != EEXIST)
			break;
	}
	sweep_fail(s, 1, "cannot create a work directory in %s: %s", base, strerror(errno));
}

void sweep_commit_writer(struct sweep *s, struct cob_csvw **w, const char *name)
{
	char *path = sweep_path(s, s->opt.out, name);
	int rc = cob_csvw_commit(*w);

	*w = NULL;
	if (rc)
		sweep_fail(s, 1, "writing %s: %s", path, strerror(errno));
	sweep_committed(s, path);
	free(path);
}

/* DIR/plots.txt: the config's plot names, one a line, for ./run.sh. */
void sweep_write_plots_txt(struct sweep *s, const struct cob_config *c)
{
	char *path = sweep_path(s, s->opt.out, "plots.txt"), *tmp;
	FILE *f;

	if (asprintf(&tmp, "%s.tmp", path) < 0)
		sweep_fail(s, 1, "out of memory");
	f = fopen(tmp, "w");
	if (!f)
		sweep_fail(s, 1, "cannot write %s: %s", tmp, strerror(errno));
	for (size_t i = 0; i < c->nplots; i++)
		fprintf(f, "%s\n", c->plots[i]);
	if (cob_file_commit(f, tmp, path))
		sweep_fail(s, 1, "writing %s: %s", path, strerror(errno));
	sweep_committed(s, path);
	free(tmp);
	free(path);
}

int sweep_file_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* DIR (removed again unless the sweep completes, when we made it), the work
 * directory and the names of the per-run files in it. */
void sweep_make_dirs(struct sweep *s)
{
	int created;

	if (sweep_mkdir_p(s->opt.out, &created))
		sweep_fail(s, 1, "cannot create %s: %s", s->opt.out, strerror(errno));
	if (created)
		s->out_created = strdup(s->opt.out);
	make_workdir(s);
	sweep_guard_workdir(s, s->workdir);
	s->progress = sweep_path(s, s->opt.out, ".progress");
	s->keep = s->opt.resume; /* a resumed sweep that fails stays resumable */
	s->part = sweep_path(s, s->workdir, "part.csv");
	s->hook_err = sweep_path(s, s->workdir, "hook.err");
	s->hook_out = sweep_path(s, s->workdir, "hook.out");
	sweep_monitor_files(s);
}
