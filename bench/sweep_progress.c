/* cob-sweep's progress file and --resume. DIR/.progress records the sweep's
 * fingerprint (config text, options, the hook axis as probed) and, after
 * every run whose rows are in DIR's .tmp files (flushed and fdatasync'd
 * first), one line with the size of each of those files. --resume truncates
 * them back to the last such line, rebuilds the statistics from the rows kept
 * and continues with the next run. */
#include "reports.h"
#include "sweep.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static uint64_t fnv(uint64_t h, const char *s)
{
	for (;; s++) { /* the NUL too: "ab","c" differs from "a","bc" */
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
		if (!*s)
			return h;
	}
}

/* What must match for --resume: config text, options, the hook axis as probed. */
void sweep_fingerprint(struct sweep *s, const struct cob_config *c, size_t nruns)
{
	const struct cob_axis *h = &c->axes[cob_config_axis(c, "hook")];
	uint64_t x = 14695981039346656037ULL;
	char b[32];
	size_t off;

	snprintf(b, sizeof(b), "%zu", nruns);
	x = fnv(x, c->text);
	x = fnv(x, s->opt.quick ? "quick" : "full");
	x = fnv(x, c->mode);
	x = fnv(x, s->opt.where);
	x = fnv(x, b);
	off = (size_t)snprintf(s->describe, sizeof(s->describe), "%s%s, %zu runs, mode %s, where %s, hook ",
			       c->name, s->opt.quick ? " --quick" : "", nruns, c->mode, s->opt.where);
	for (size_t i = 0; i < h->n; i++) {
		x = fnv(x, h->v[i].text);
		if (off < sizeof(s->describe))
			off += (size_t)snprintf(s->describe + off, sizeof(s->describe) - off, "%s%s",
						i ? "," : "", h->v[i].text);
	}
	s->fp = x;
}

/* Write .progress anew (via .progress.tmp): the header, then `lines`. */
void sweep_progress_rewrite(struct sweep *s, size_t nruns, const char *lines)
{
	char *tmp;
	FILE *f;

	if (asprintf(&tmp, "%s.tmp", s->progress) < 0)
		sweep_fail(s, 1, "out of memory");
	f = fopen(tmp, "w");
	if (!f)
		sweep_fail(s, 1, "cannot write %s: %s", tmp, strerror(errno));
	fprintf(f, "cob-sweep progress 1\nfingerprint %016llx\nruns %zu\ndescribe %s\n%s",
		(unsigned long long)s->fp, nruns, s->describe, lines);
	if (cob_file_commit(f, tmp, s->progress))
		sweep_fail(s, 1, "writing %s: %s", s->progress, strerror(errno));
	free(tmp);
}

/* After run `run` (point p, repetition rep, `rows` rows): the rows of every
 * run so far are on disk; say so, with the size of each file. */
void sweep_progress_run(struct sweep *s, size_t run, size_t p, unsigned rep, size_t rows)
{
	char line[2048];
	long long size;
	size_t off;
	int fd;

	if (cob_csvw_sync(s->reads, &size))
		sweep_fail(s, 1, "writing reads.csv: %s", strerror(errno));
	off = (size_t)snprintf(line, sizeof(line), "run %zu %zu %u %zu reads.csv.tmp %lld", run, p, rep,
			       rows, size);
	for (size_t i = 0; i < s->nmon; i++) {
		if (!s->mon[i].w)
			continue;
		if (cob_csvw_sync(s->mon[i].w, &size))
			sweep_fail(s, 1, "writing %s.csv: %s", s->mon[i].name, strerror(errno));
		if (off < sizeof(line))
			off += (size_t)snprintf(line + off, sizeof(line) - off, " %s.csv.tmp %lld",
						s->mon[i].name, size);
	}
	if (off + 2 > sizeof(line))
		sweep_fail(s, 1, "internal: progress line too long");
	line[off++] = '\n';
	fd = open(s->progress, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0 || write(fd, line, off) != (ssize_t)off || fdatasync(fd))
		sweep_fail(s, 1, "writing %s: %s", s->progress, strerror(errno));
	close(fd);
}

/* One run as .progress has it. */
struct done_run {
	size_t p, rows;
	unsigned rep;
};

/* Before meta.json, nothing in DIR is final. keep: NAME.tmp holds rows to
 * continue (taken back from NAME when a commit was cut short); else both go. */
static void uncommit(struct sweep *s, const char *name, int keep)
{
	char *path = sweep_path(s, s->opt.out, name), *tmp;

	if (asprintf(&tmp, "%s.tmp", path) < 0)
		sweep_fail(s, 1, "out of memory");
	if (!keep)
		unlink(tmp);
	if (keep && !sweep_file_exists(tmp) && sweep_file_exists(path)) {
		if (rename(path, tmp))
			sweep_fail(s, 1, "cannot rename %s back to %s: %s", path, tmp, strerror(errno));
	} else {
		unlink(path);
	}
	free(tmp);
	free(path);
}

/* Columns and rows of a kept file. */
static void count_rows(struct sweep *s, const char *name, size_t *ncols, size_t *rows)
{
	char *path = sweep_path(s, s->opt.out, name);
	struct cob_csvr *r = cob_csvr_open(path);
	int rc;

	if (!r)
		sweep_fail(s, 1, "cannot resume: %s: %s", path, strerror(errno));
	*ncols = cob_csvr_ncols(r);
	*rows = 0;
	while ((rc = cob_csvr_next(r)) > 0)
		(*rows)++;
	if (rc < 0)
		sweep_fail(s, 1, "cannot resume: %s: %s", path, cob_csvr_error(r));
	cob_csvr_close(r);
	free(path);
}

/* --resume: DIR's state back to its last complete run; the statistics of
 * the runs kept rebuilt from their rows. Returns the number of runs kept
 * (nruns + 1: the sweep completed already, nothing to do). */
size_t sweep_progress_resume(struct sweep *s, struct point_acc *acc, size_t npoints,
			      size_t nruns)
{
	FILE *f = fopen(s->progress, "r");
	char *line = NULL, *last = NULL, *meta = sweep_path(s, s->opt.out, "meta.json");
	char their[sizeof(s->describe)] = "?", *kept = NULL;
	size_t cap = 0, done = 0, keptlen = 0;
	struct done_run *runs = calloc(nruns + 1, sizeof(*runs));
	unsigned long long fp = 0;
	ssize_t n;
	int hdr = 0;
	FILE *keep;

	if (!runs)
		sweep_fail(s, 1, "out of memory");
	if (!f) {
		if (errno == ENOENT && sweep_file_exists(meta)) { /* completed; only .progress was removed */
			free(meta);
			free(runs);
			return nruns + 1;
		}
		sweep_fail(s, 2, "--resume: %s holds no sweep to resume (%s: %s)", s->opt.out, s->progress,
			   strerror(errno));
	}
	keep = open_memstream(&kept, &keptlen);
	if (!keep)
		sweep_fail(s, 1, "out of memory");
	while ((n = getline(&line, &cap, f)) > 0) {
		size_t run, p, rows;
		unsigned rep;
		int used = 0;

		if (line[n - 1] != '\n')
			break; /* torn: never completed */
		line[n - 1] = '\0';
		if (hdr == 0) {
			if (strcmp(line, "cob-sweep progress 1"))
				sweep_fail(s, 2, "--resume: %s is not a cob-sweep progress file", s->progress);
			hdr++;
		} else if (sscanf(line, "fingerprint %llx", &fp) == 1) {
			hdr++;
		} else if (!strncmp(line, "runs ", 5)) {
			hdr++;
		} else if (!strncmp(line, "describe ", 9)) {
			snprintf(their, sizeof(their), "%s", line + 9);
			hdr++;
		} else if (sscanf(line, "run %zu %zu %u %zu %n", &run, &p, &rep, &rows, &used) == 4 && used) {
			/* runs go repetitions outside, points inside */
			if (run != done + 1 || run > nruns || p != done % npoints ||
			    rep != done / npoints + 1)
				break;
			runs[done++] = (struct done_run){ p, rows, rep };
			free(last);
			last = strdup(line + used);
			fprintf(keep, "%s\n", line);
		} else if (!strncmp(line, "resume ", 7)) {
			json_array_append_new(s->resumed, json_integer(strtoll(line + 7, NULL, 10)));
			fprintf(keep, "%s\n", line);
		} else {
			break;
		}
	}
	fclose(f);
	free(line);
	if (hdr < 4)
		sweep_fail(s, 2, "--resume: %s is incomplete (no header)", s->progress);
	if (fp != s->fp)
		sweep_fail(s, 2, "--resume: %s holds another sweep (%s); this one is %s", s->opt.out, their, s->describe);
	if (sweep_file_exists(meta)) { /* it completed; only .progress is left to remove */
		fclose(keep);
		free(kept);
		free(last);
		free(meta);
		free(runs);
		return nruns + 1;
	}
	free(meta);

	/* the files of the last complete run back to their sizes; the rest goes */
	for (size_t i = 0; cob_report_at(i); i++)
		uncommit(s, cob_report_at(i)->file, 0);
	uncommit(s, "plots.txt", 0);
	uncommit(s, "meta.json", 0);
	uncommit(s, "reads.csv", done > 0);
	for (size_t i = 0; i < s->nmon; i++) {
		char name[COB_NAME_LEN + 8];

		snprintf(name, sizeof(name), "%.*s.csv", COB_NAME_LEN - 1, s->mon[i].name);
		uncommit(s, name, last && strstr(last, name));
	}
	for (char *tok = last ? strtok(last, " ") : NULL; tok; tok = strtok(NULL, " ")) {
		char *size = strtok(NULL, " "), *path;

		if (!size || strchr(tok, '/'))
			sweep_fail(s, 1, "cannot resume: malformed line in %s", s->progress);
		path = sweep_path(s, s->opt.out, tok);
		if (truncate(path, strtoll(size, NULL, 10)))
			sweep_fail(s, 1, "cannot resume: truncating %s: %s", path, strerror(errno));
		free(path);
	}
	free(last);

	if (done) { /* statistics of the runs kept, from their rows */
		char *path = sweep_path(s, s->opt.out, "reads.csv.tmp");
		struct cob_csvr *r = cob_csvr_open(path);
		struct row_cols cols;
		size_t total = 0;
		int rc = 1;

		if (!r || sweep_row_cols(r, &cols))
			sweep_fail(s, 1, "cannot resume: %s: %s", path, r ? "lacks lat_ns, match or status" : strerror(errno));
		s->reads_header = sweep_header_string(s, r);
		{ /* reads.csv is cob-hook's columns and then `run` (sweep_ingest_part):
		   * the next run's cob-hook header must equal the part before it */
			size_t hl = strlen(s->reads_header);

			if (hl < 4 || strcmp(s->reads_header + hl - 4, ",run"))
				sweep_fail(s, 1, "cannot resume: %s does not end with the run column", path);
			s->reads_header[hl - 4] = '\0';
		}
		for (size_t k = 0; k < done; k++) {
			struct run_tally t = { 0 };

			for (size_t i = 0; i < runs[k].rows && (rc = cob_csvr_next(r)) > 0; i++)
				sweep_acc_row(s, &acc[runs[k].p], r, &cols, &t);
			if (t.rows != runs[k].rows)
				sweep_fail(s, 1, "cannot resume: %s has fewer rows than %s says (run %zu)", path,
					   s->progress, k + 1);
			sweep_acc_run(&acc[runs[k].p], runs[k].rep, &t);
			total += t.rows;
		}
		if ((rc = cob_csvr_next(r)) != 0)
			sweep_fail(s, 1, "cannot resume: %s has more rows than %s says", path, s->progress);
		path[strlen(path) - 4] = '\0'; /* reads.csv */
		s->reads = cob_csvw_append(path, cob_csvr_ncols(r), total);
		if (!s->reads)
			sweep_fail(s, 1, "cannot resume: %s.tmp: %s", path, strerror(errno));
		cob_csvr_close(r);
		free(path);
		for (size_t i = 0; i < s->nmon; i++) {
			char name[COB_NAME_LEN + 16], *mpath;
			size_t ncols, rows;

			snprintf(name, sizeof(name), "%.*s.csv.tmp", COB_NAME_LEN - 1, s->mon[i].name);
			mpath = sweep_path(s, s->opt.out, name);
			if (sweep_file_exists(mpath)) {
				count_rows(s, name, &ncols, &rows);
				mpath[strlen(mpath) - 4] = '\0';
				s->mon[i].w = cob_csvw_append(mpath, ncols, rows);
				if (!s->mon[i].w)
					sweep_fail(s, 1, "cannot resume: %s.tmp: %s", mpath, strerror(errno));
			}
			free(mpath);
		}
	}
	json_array_append_new(s->resumed, json_integer((json_int_t)done));
	fprintf(keep, "resume %zu\n", done);
	fclose(keep);
	sweep_progress_rewrite(s, nruns, kept);
	free(kept);
	free(runs);
	return done;
}
