/* cob-sweep's monitors (bench/monitors.c is their registry): found before
 * the sweep, started before and stopped after every run, their rows appended
 * to DIR/NAME.csv with the run's axes in front. */
#include "meta.h"
#include "sweep.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int file_has_line(const char *path)
{
	char buf[4096];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	return n > 0 && memchr(buf, '\n', (size_t)n) != NULL;
}

/* Start every monitor; each is ready once it wrote its header. */
void sweep_monitors_start(struct sweep *s)
{
	for (size_t i = 0; i < s->nmon; i++) {
		struct sweep_monitor *m = &s->mon[i];
		char *argv[] = { m->path, m->out, NULL };
		int fd, st;
		/* a libbpf-tools monitor writes its header once its programs are attached */
		int ready_ms = m->m->probe ? MONITOR_PROBE_MS : MONITOR_READY_MS;
		long long deadline;
		char stbuf[64], why[256];

		unlink(m->out);
		fd = open(m->err, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0)
			sweep_fail(s, 1, "%s: %s", m->err, strerror(errno));
		m->pid = sweep_spawn(s, argv, fd, fd, 0, m->name);
		close(fd);
		/* ready once it wrote its header */
		deadline = cob_now_ns() + ready_ms * 1000000LL;
		while (!file_has_line(m->out)) {
			if (sweep_wait(s, m->pid, &st, 0, 0))
				sweep_fail(s, 1, "monitor %s exited at start (%s): %s", m->name,
					   sweep_status_text(st, stbuf, sizeof(stbuf)), sweep_last_line(m->err, why, sizeof(why)));
			if (cob_now_ns() > deadline)
				sweep_fail(s, 1, "monitor %s wrote no header to %s within %d s", m->name, m->out,
					   ready_ms / 1000);
			sweep_pause(s, 10, 0);
		}
	}
}

/* Stop every monitor (SIGTERM); one that died or failed ends the sweep. */
void sweep_monitors_stop(struct sweep *s)
{
	for (size_t i = 0; i < s->nmon; i++) {
		struct sweep_monitor *m = &s->mon[i];
		char stbuf[64], why[256];
		int st;

		if (sweep_wait(s, m->pid, &st, 0, 0))
			sweep_fail(s, 1, "monitor %s exited during the run (%s): %s", m->name,
				   sweep_status_text(st, stbuf, sizeof(stbuf)), sweep_last_line(m->err, why, sizeof(why)));
		kill(m->pid, SIGTERM);
		if (!sweep_wait(s, m->pid, &st, STOP_GRACE_MS, 0))
			sweep_fail(s, 1, "monitor %s did not stop within %d s of SIGTERM", m->name,
				   STOP_GRACE_MS / 1000);
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			sweep_fail(s, 1, "monitor %s failed (%s): %s", m->name, sweep_status_text(st, stbuf, sizeof(stbuf)),
				   sweep_last_line(m->err, why, sizeof(why)));
		m->pid = 0;
	}
}

/* Provenance prefix of monitor rows: experiment, where, kernel, every axis,
 * rep, run (the run's number in the sweep, as in reads.csv). */
static size_t monitor_prefix(struct sweep *s, const struct cob_config *c, const size_t *sel, unsigned rep,
			     size_t run, const char *kernel, const char **vals, char *repbuf, char *runbuf)
{
	size_t n = 0;

	vals[n++] = c->name;
	vals[n++] = s->opt.where;
	vals[n++] = kernel;
	for (size_t k = 0; k < c->naxes; k++)
		vals[n++] = sweep_axis_text(c, sel, k);
	sprintf(repbuf, "%u", rep);
	vals[n++] = repbuf;
	sprintf(runbuf, "%zu", run);
	vals[n++] = runbuf;
	return n;
}

/* Each monitor's rows of this run into DIR/NAME.csv, the run's axes in front. */
void sweep_ingest_monitors(struct sweep *s, const struct cob_config *c, const size_t *sel, unsigned rep, size_t run,
			    const char *kernel)
{
	for (size_t i = 0; i < s->nmon; i++) {
		struct sweep_monitor *m = &s->mon[i];
		struct cob_csvr *r = cob_csvr_open(m->out);
		const char *vals[COB_MAX_VALUES + 256];
		char repbuf[16], runbuf[24], *hdr;
		size_t np, nc;
		int rc;

		if (!r)
			sweep_fail(s, 1, "monitor %s: cannot read %s: %s", m->name, m->out,
				   errno == EBADMSG ? "malformed header" : strerror(errno));
		hdr = sweep_header_string(s, r);
		if (strcmp(hdr, m->header))
			sweep_fail(s, 1, "monitor %s wrote the header '%s', its --header says '%s'", m->name, hdr,
				   m->header);
		free(hdr);
		nc = cob_csvr_ncols(r);
		np = monitor_prefix(s, c, sel, rep, run, kernel, vals, repbuf, runbuf);
		if (np + nc > sizeof(vals) / sizeof(vals[0]))
			sweep_fail(s, 1, "monitor %s: too many columns", m->name);
		if (!m->w) {
			char *path;

			vals[0] = "experiment";
			vals[1] = "where";
			vals[2] = "kernel";
			for (size_t k = 0; k < c->naxes; k++)
				vals[3 + k] = c->axes[k].param->key;
			vals[np - 2] = "rep";
			vals[np - 1] = "run";
			for (size_t j = 0; j < nc; j++)
				vals[np + j] = cob_csvr_name(r, j);
			if (asprintf(&path, "%s/%s.csv", s->opt.out, m->name) < 0)
				sweep_fail(s, 1, "out of memory");
			m->w = cob_csvw_open(path, vals, np + nc);
			if (!m->w)
				sweep_fail(s, 1, "cannot write %s.tmp: %s", path, strerror(errno));
			free(path);
			monitor_prefix(s, c, sel, rep, run, kernel, vals, repbuf, runbuf);
		}
		while ((rc = cob_csvr_next(r)) > 0) {
			for (size_t j = 0; j < nc; j++)
				vals[np + j] = cob_csvr_get(r, j);
			if (cob_csvw_row(m->w, vals, np + nc))
				sweep_fail(s, 1, "writing %s.csv: %s", m->name, strerror(errno));
		}
		if (rc < 0)
			sweep_fail(s, 1, "monitor %s: %s: %s", m->name, m->out, cob_csvr_error(r));
		cob_csvr_close(r);
	}
}
/* Each monitor of the config: its registry entry, its executable
 * (cob_monitor_path) and the header it promises. A monitor the kernel may
 * refuse is asked first (`EXEC --probe`); a refused one is skipped for the
 * whole sweep with one line saying why (meta.json monitors_skipped): it gets
 * no CSV, since a file with only a header would read as a monitor that saw
 * nothing. */
void sweep_find_monitors(struct sweep *s, const struct cob_config *c)
{
	if (!s->mon_skipped)
		s->mon_skipped = json_object();
	for (size_t i = 0; i < c->nmonitors; i++) {
		struct sweep_monitor *m = &s->mon[s->nmon];
		char *argv[] = { m->path, "--header", NULL };
		char hdr[4096];
		int rc;

		m->m = cob_monitor_find(c->monitors[i]);
		if (!m->m) /* the config parser took the name from the registry */
			sweep_fail(s, 2, "monitor %s: not in the monitor registry", c->monitors[i]);
		snprintf(m->name, sizeof(m->name), "%s", m->m->name);
		cob_monitor_path(m->m, s->opt.bin, m->path, sizeof(m->path));
		if (access(m->path, X_OK))
			sweep_fail(s, 1, "monitor %s: %s: %s (set COB_ROOT to the source tree)", m->name, m->path,
				   strerror(errno));
		rc = sweep_capture(s, argv, 0, hdr, sizeof(hdr));
		if (rc || !hdr[0])
			sweep_fail(s, 1, "monitor %s: '%s --header' failed (%d)", m->name, m->path, rc);
		if (m->m->probe) {
			char *pargv[] = { m->path, "--probe", NULL };
			char why[512];

			if (s->opt.check) /* --check validates; the sweep itself asks the kernel */
				goto keep;
			rc = sweep_capture_all(s, pargv, 0, 1, 1, MONITOR_PROBE_MS, why, sizeof(why));
			if (rc == COB_MONITOR_REFUSED) {
				fprintf(stderr, "%s: monitor %s skipped: %s\n", PROG, m->name, why[0] ? why : "refused");
				json_object_set_new(s->mon_skipped, m->name, json_string(why));
				continue;
			}
			if (rc)
				sweep_fail(s, 1, "monitor %s: '%s --probe' failed (%d): %s", m->name, m->path, rc, why);
		}
keep:
		m->header = strdup(hdr);
		s->nmon++;
	}
}

/* Where each monitor records one run: NAME.csv and NAME.err in the work directory. */
void sweep_monitor_files(struct sweep *s)
{
	for (size_t i = 0; i < s->nmon; i++) {
		struct sweep_monitor *m = &s->mon[i];

		snprintf(m->out, sizeof(m->out), "%s/%s.csv", s->workdir, m->name);
		snprintf(m->err, sizeof(m->err), "%s/%s.err", s->workdir, m->name);
	}
}

/* meta.json tools.COMMAND: the first line of each monitor's version command
 * (left out when it cannot say). */
void sweep_monitor_versions(struct sweep *s, json_t *meta)
{
	for (size_t i = 0; i < s->nmon; i++) {
		const struct cob_monitor *m = s->mon[i].m;
		char line[256];

		if (m->version && sweep_capture(s, (char *const *)m->version, 1, line, sizeof(line)) == 0 &&
		    line[0])
			cob_meta_set_tool(meta, m->command, line);
	}
}
