/* cob-sweep's runs: one repetition of one sweep point is its data file
 * (cob-mkfile, once per distinct set), the monitors, `cob-hook run ... --
 * cob-read ...` with the options each axis says it goes to, and its rows. */
#include "sweep.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>


/* Canonical text of axis k at a point, with file_size = buf resolved. */
const char *sweep_axis_text(const struct cob_config *c, const size_t *sel, size_t k)
{
	const struct cob_value *v = &c->axes[k].v[sel[k]];

	if (c->axes[k].param->type == COB_PT_FILESIZE && v->num == COB_FILESIZE_BUF) {
		const struct cob_value *buf = cob_config_value(c, sel, "buf_size");

		return buf ? buf->text : v->text;
	}
	return v->text;
}

/* The same for people: sizes as 4K, 1M. */
static const char *axis_show(const struct cob_config *c, const size_t *sel, size_t k)
{
	static char buf[32];
	const char *t = sweep_axis_text(c, sel, k);
	enum cob_ptype type = c->axes[k].param->type;

	if ((type != COB_PT_SIZE && type != COB_PT_FILESIZE) || c->axes[k].v[sel[k]].num == COB_VALUE_NONE)
		return t;
	return cob_format_size(strtoull(t, NULL, 10), buf, sizeof(buf));
}

struct argv_buf {
	char *v[128];
	size_t n;
};

static void arg(struct sweep *s, struct argv_buf *a, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void arg(struct sweep *s, struct argv_buf *a, const char *fmt, ...)
{
	va_list ap;
	char *v;

	if (a->n + 1 >= sizeof(a->v) / sizeof(a->v[0]))
		sweep_fail(s, 1, "internal: command line too long");
	va_start(ap, fmt);
	if (vasprintf(&v, fmt, ap) < 0)
		sweep_fail(s, 1, "out of memory");
	va_end(ap);
	a->v[a->n++] = v;
	a->v[a->n] = NULL;
}

static void argv_free(struct argv_buf *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->v[i]);
	a->n = 0;
}


/* The data file of a point, made on first use with cob-mkfile. */
static const char *data_file(struct sweep *s, const struct cob_config *c, const size_t *sel)
{
	const char *dir = sweep_storage_dir(s, c, sel);
	char key[512] = "data";
	size_t off = strlen(key);
	struct argv_buf a = { 0 };
	char *err, *path, why[256], stbuf[64];
	int fd, st;
	pid_t pid;

	for (size_t k = 0; k < c->naxes; k++)
		if (c->axes[k].param->mkfile_opt)
			off += (size_t)snprintf(key + off, sizeof(key) - off, "-%s", sweep_axis_text(c, sel, k));
	path = sweep_path(s, dir, key); /* on the point's storage */
	for (size_t i = 0; i < s->nfiles; i++)
		if (!strcmp(s->files[i].path, path)) {
			free(path);
			return s->files[i].path;
		}

	arg(s, &a, "%s/cob-mkfile", s->opt.bin);
	for (size_t k = 0; k < c->naxes; k++)
		if (c->axes[k].param->mkfile_opt) {
			arg(s, &a, "%s", c->axes[k].param->mkfile_opt);
			arg(s, &a, "%s", sweep_axis_text(c, sel, k));
		}
	s->files = realloc(s->files, (s->nfiles + 1) * sizeof(*s->files));
	if (!s->files)
		sweep_fail(s, 1, "out of memory");
	s->files[s->nfiles].key = strdup(key);
	s->files[s->nfiles].path = path;
	arg(s, &a, "--seed");
	arg(s, &a, "1");
	arg(s, &a, "--out");
	arg(s, &a, "%s", s->files[s->nfiles].path);

	err = sweep_path(s, s->workdir, "mkfile.err");
	fd = open(err, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		sweep_fail(s, 1, "%s: %s", err, strerror(errno));
	pid = sweep_spawn(s, a.v, fd, fd, 0, "cob-mkfile");
	close(fd);
	sweep_wait(s, pid, &st, -1, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		sweep_fail(s, 1, "cob-mkfile failed (%s) making %s: %s", sweep_status_text(st, stbuf, sizeof(stbuf)),
			   key, sweep_last_line(err, why, sizeof(why)));
	if (access(s->files[s->nfiles].path, R_OK))
		sweep_fail(s, 1, "cob-mkfile exited 0 but made no %s", s->files[s->nfiles].path);
	free(err);
	argv_free(&a);
	return s->files[s->nfiles++].path;
}
/* cob-hook run ... -- cob-read ...: the options each axis says it goes to. */
static void hook_command(struct sweep *s, struct argv_buf *a, const struct cob_config *c, const size_t *sel,
			 unsigned rep, const char *data)
{
	arg(s, a, "%s/cob-hook", s->opt.bin);
	arg(s, a, "run");
	const char *hook = cob_config_value(c, sel, "hook")->text;

	arg(s, a, "--backend");
	arg(s, a, "%s", !strcmp(hook, "auto") && s->auto_backend[0] ? s->auto_backend : hook);
	arg(s, a, "--mode");
	arg(s, a, "%s", sweep_hook_mode(c, hook));
	arg(s, a, "--function");
	arg(s, a, "%s", cob_config_value(c, sel, "function")->text);
	for (size_t k = 0; k < c->naxes; k++)
		if (c->axes[k].param->hook_opt) {
			arg(s, a, "%s", c->axes[k].param->hook_opt);
			arg(s, a, "%s", sweep_axis_text(c, sel, k));
		}
	arg(s, a, "--where");
	arg(s, a, "%s", s->opt.where);
	arg(s, a, "--csv");
	arg(s, a, "%s", s->part);
	arg(s, a, "--label");
	arg(s, a, "experiment=%s", c->name);
	for (size_t k = 0; k < c->naxes; k++)
		if (c->axes[k].param->label) {
			arg(s, a, "--label");
			arg(s, a, "%s=%s", c->axes[k].param->key, sweep_axis_text(c, sel, k));
		}
	arg(s, a, "--label");
	arg(s, a, "rep=%u", rep);
	arg(s, a, "--");
	arg(s, a, "%s/cob-read", s->opt.bin);
	arg(s, a, "--file");
	arg(s, a, "%s", data);
	for (size_t k = 0; k < c->naxes; k++)
		if (c->axes[k].param->read_opt) {
			arg(s, a, "%s", c->axes[k].param->read_opt);
			arg(s, a, "%s", sweep_axis_text(c, sel, k));
		}
}

/* "[ 3/48] kind=known buf=4K iterations=100 rep=1": the axes that vary, then rep */
static void progress_prefix(char *line, size_t len, const struct cob_config *c, const size_t *sel,
			    size_t run, size_t nruns, unsigned rep)
{
	int width = snprintf(NULL, 0, "%zu", nruns);
	size_t off;

	if (width < 2)
		width = 2; /* "[ 1/8]": the columns of short sweeps line up too */
	off = (size_t)snprintf(line, len, "[%*zu/%zu]", width, run, nruns);
	for (size_t k = 0; k < c->naxes && off < len; k++)
		if (c->axes[k].n > 1)
			off += (size_t)snprintf(line + off, len - off, " %s=%s", c->axes[k].param->show,
						axis_show(c, sel, k));
	if (off < len)
		snprintf(line + off, len - off, " rep=%u", rep);
}

/* One repetition of one point: data file, monitors, cob-hook, rows.
 * Returns the number of rows it added. */
static size_t run_one(struct sweep *s, const struct cob_config *c, const size_t *sel, unsigned rep, size_t run,
		    size_t nruns, struct point_acc *acc, const char *kernel)
{
	struct argv_buf a = { 0 };
	char line[512], stbuf[64], why[512];
	const char *data = data_file(s, c, sel);
	size_t rows, matches;
	long long t0, t1;
	int fdo, fde, st;
	pid_t pid;

	progress_prefix(line, sizeof(line), c, sel, run, nruns, rep);
	hook_command(s, &a, c, sel, rep, data);
	unlink(s->part);
	fdo = open(s->hook_out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	fde = open(s->hook_err, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fdo < 0 || fde < 0)
		sweep_fail(s, 1, "%s: %s", s->workdir, strerror(errno));
	sweep_monitors_start(s);
	sweep_conditions_apply(s, c, sel); /* for this one child */
	t0 = cob_now_ns();
	pid = sweep_spawn(s, a.v, fdo, fde, 0, "cob-hook");
	sweep_conditions_clear(s);
	close(fdo);
	close(fde);
	sweep_wait(s, pid, &st, -1, 0);
	t1 = cob_now_ns();
	sweep_monitors_stop(s);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 3)
		sweep_fail(s, 3, "hook backend '%s' is not available here: %s",
			   cob_config_value(c, sel, "hook")->text, sweep_last_line(s->hook_err, why, sizeof(why)));
	if (WIFEXITED(st) && WEXITSTATUS(st) == 2)
		sweep_fail(s, 1, "cob-hook rejected its arguments (exit 2): %s",
			   sweep_last_line(s->hook_err, why, sizeof(why)));
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL && cob_config_value(c, sel, "mem_limit")->num != COB_VALUE_NONE)
		sweep_fail(s, 1, "%s: cob-hook was killed: mem_limit %s is too small for it and its workload (OOM)",
			   line, cob_config_value(c, sel, "mem_limit")->text);
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		sweep_fail(s, 1, "%s: cob-hook failed (%s): %s", line, sweep_status_text(st, stbuf, sizeof(stbuf)),
			   sweep_last_line(s->hook_err, why, sizeof(why)));
	sweep_ingest_part(s, s->part, acc, rep, run, &rows, &matches);
	sweep_ingest_monitors(s, c, sel, rep, run, kernel);
	printf("%s: %.2f s, %zu/%zu match", line, (double)(t1 - t0) / 1e9, matches, rows);
	argv_free(&a);
	return rows;
}

/* ", elapsed 1m05s, ~3m20s left": the rest estimated from the runs of this
 * invocation (a resumed sweep does not count the runs it found done). Runs
 * differ in size, so the estimate is rough; the "~" says so. */
static void fmt_dur(char *b, size_t n, double sec)
{
	long t = (long)(sec + 0.5);

	if (t >= 3600)
		snprintf(b, n, "%ldh%02ldm", t / 3600, t / 60 % 60);
	else if (t >= 60)
		snprintf(b, n, "%ldm%02lds", t / 60, t % 60);
	else
		snprintf(b, n, "%lds", t);
}

static void print_eta(long long t_start, size_t ran, size_t left)
{
	double el = (double)(cob_now_ns() - t_start) / 1e9;
	char e[32], r[32];

	fmt_dur(e, sizeof(e), el);
	fmt_dur(r, sizeof(r), ran ? el / (double)ran * (double)left : 0);
	if (left)
		printf(", elapsed %s, ~%s left\n", e, r);
	else
		printf(", elapsed %s, done\n", e);
	fflush(stdout);
}

/* The sweep: repetitions outside, grid points inside, so the repetitions of
 * one point are spread over the sweep; the first `done` runs are in DIR
 * already (--resume). */
void sweep_run_all(struct sweep *s, size_t done)
{
	size_t run = 0, *sel = calloc(s->cfg.naxes, sizeof(*sel));
	long long t_start = cob_now_ns();

	if (!sel)
		sweep_fail(s, 1, "out of memory");
	for (unsigned rep = 1; rep <= s->cfg.repetitions; rep++)
		for (size_t p = 0; p < s->npoints; p++) {
			size_t rows;

			if (++run <= done)
				continue;
			sweep_check_interrupt(s);
			cob_config_point(&s->cfg, p, sel);
			rows = run_one(s, &s->cfg, sel, rep, run, s->nruns, &s->acc[p], s->kernel);
			print_eta(t_start, run - done, s->nruns - run);
			sweep_progress_run(s, run, p, rep, rows);
		}
	free(sel);
}
