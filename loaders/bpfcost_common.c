/* What every bpfcost benchmark shares: provenance, the CSV, timing, the
 * trigger syscall, program statistics, progress and skip reasons. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "bpf_log.h"
#include "bpfcost_bench.h"
#include "filegen.h"

void bc_prov(const struct bc_run *r, const char *exper, const char **fields)
{
	static struct utsname u;
	static char accel[64];
	const char *where = getenv("COB_WHERE"), *a = getenv("COB_GUEST_ACCEL");

	(void)r;
	if (!u.release[0]) {
		uname(&u);
		/* "tcg,thread=single" -> "tcg thread=single": one field for the
		 * graphs' CSV reader (gnuplot splits quoted fields); meta.json has it as is */
		snprintf(accel, sizeof(accel), "%s", a && *a ? a : "none");
		for (char *c = accel; *c; c++)
			if (*c == ',')
				*c = ' ';
	}
	fields[0] = exper;
	fields[1] = u.release;
	fields[2] = where && *where ? where : "host";
	fields[3] = accel;
}

struct cob_csvw *bc_csv_open(const struct bc_run *r, const char *name, const char *const *cols, size_t n)
{
	char path[4096];
	struct cob_csvw *w;

	snprintf(path, sizeof(path), "%s/%s.csv", r->out, name);
	w = cob_csvw_open(path, cols, n);
	if (!w)
		fprintf(stderr, "cob-bpfcost: cannot write %s: %s\n", path, strerror(errno));
	return w;
}

/* Commit a benchmark's CSV (temp file renamed into place; W is gone either
 * way): 0, or -1 after one line naming the bench and why. */
int bc_csv_commit(struct cob_csvw *w, const char *bench)
{
	if (!cob_csvw_commit(w))
		return 0;
	fprintf(stderr, "cob-bpfcost %s: committing the CSV: %s\n", bench, strerror(errno));
	return -1;
}

const char *bc_fmt(const char *fmt, ...)
{
	static char ring[32][128];
	static unsigned next;
	char *b = ring[next++ % 32];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b, sizeof(ring[0]), fmt, ap);
	va_end(ap);
	return b;
}


void bc_trigger(long n)
{
	for (long i = 0; i < n; i++)
		syscall(SYS_getpgid, 0);
}

int bc_prog_stats(int prog_fd, uint64_t *run_ns, uint64_t *runs)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	*run_ns = *runs = 0;
	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len))
		return -1;
	*run_ns = info.run_time_ns;
	*runs = info.run_cnt;
	return 0;
}

void bc_skip(struct bc_run *r, const char *what, const char *reason)
{
	fprintf(stderr, "cob-bpfcost: skipping %s: %s\n", what, reason);
	json_object_set_new(r->skipped, what, json_string(reason));
}

void bc_progress(const char *bench, int done, int total, const char *what)
{
	static uint64_t t0;
	uint64_t now = cob_now_ns();
	double el;

	if (!t0 || done == 0)
		t0 = now;
	el = (now - t0) / 1e9;
	fprintf(stderr, "[%d/%d] %s %s: %.1f s elapsed", done, total, bench, what, el);
	if (done > 0 && done < total)
		fprintf(stderr, ", about %.0f s to go", el / done * (total - done));
	fputc('\n', stderr);
}

static int cmp_u64(const void *a, const void *b)
{
	__u64 x = *(const __u64 *)a, y = *(const __u64 *)b;

	return x < y ? -1 : x > y;
}

double bc_median_u64(const __u64 *v, size_t n)
{
	__u64 *c;
	double m;

	if (!n)
		return 0;
	c = malloc(n * sizeof(*c));
	if (!c)
		return 0;
	memcpy(c, v, n * sizeof(*c));
	qsort(c, n, sizeof(*c), cmp_u64);
	m = n % 2 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2.0;
	free(c);
	return m;
}

double bc_mean_u64(const __u64 *v, size_t n)
{
	double s = 0;

	for (size_t i = 0; i < n; i++)
		s += v[i];
	return n ? s / n : 0;
}

int bc_known_bytes(unsigned char *buf, size_t n)
{
	struct filegen g;

	if (filegen_init(&g, FILEGEN_KNOWN, FILEGEN_DEFAULT_WIDTH, 1))
		return -1;
	filegen_fill(&g, buf, n, n);
	return 0;
}

int bc_load_only(struct bpf_object_skeleton *skel, const char *const *progs, char *reason, size_t len)
{
	struct bpf_object *obj = *skel->obj;
	struct bpf_program *p;
	int err;

	bpf_object__for_each_program(p, obj) {
		bool want = false;

		for (int i = 0; progs[i]; i++)
			want |= !strcmp(bpf_program__name(p), progs[i]);
		bpf_program__set_autoload(p, want);
	}
	bpf_log_begin();
	err = bpf_object__load_skeleton(skel); /* maps the global data into the skeleton */
	if (err) {
		char why[200];

		bpf_log_summary(why, sizeof(why));
		snprintf(reason, len, "load failed: %s%s%s", strerror(-err), why[0] ? ": " : "", why);
	}
	bpf_log_end();
	return err ? -1 : 0;
}

struct bpf_link *bc_attach(struct bpf_program *p, char *reason, size_t len)
{
	struct bpf_link *l;

	bpf_log_begin();
	l = bpf_program__attach(p);
	if (!l) {
		char why[200];
		int err = errno;

		bpf_log_summary(why, sizeof(why));
		snprintf(reason, len, "attach failed: %s%s%s", strerror(err), why[0] ? ": " : "", why);
	}
	bpf_log_end();
	return l;
}
