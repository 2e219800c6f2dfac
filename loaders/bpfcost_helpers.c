/* E11 helper cost (bpf/bpfcost_helpers.bpf.c): ns per call of
 * bpf_probe_read_kernel, bpf_probe_read_user, bpf_probe_write_user and the
 * suite's number parser vs size. Per point, `runs` getpgid() calls each time
 * BC_CALLS calls in BPF (one bpf_ktime_get_ns pair: one sample); the
 * figure is the median sample / BC_CALLS. `clock` (the two clock reads with
 * nothing between) is measured in every repetition: net = (median - clock)
 * / BC_CALLS. Cross-check: the kernel's run-time statistics of the program
 * (run_time_ns / run_cnt, the whole program: pid check, map lookups, loop),
 * per call. Each program is loaded on its own: one the kernel refuses
 * (lockdown: probe_read_kernel, probe_write_user) is skipped with the reason. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "bpfcost_bench.h"
#include "copyout_hook.h"
#include "bpfcost.h"
#include "bpfcost_helpers.skel.h"

static const struct helper {
	const char *name; /* the CSV's helper column */
	const char *prog;
	unsigned max;     /* largest size; 0: size does not apply */
} helpers[] = {
	{ "clock", "cob_bc_clock", 0 },
	{ "probe_read_kernel", "cob_bc_read_kernel", BC_MAX_SIZE },
	{ "probe_read_user", "cob_bc_read_user", BC_MAX_SIZE },
	{ "probe_write_user", "cob_bc_write_user", BC_MAX_SIZE },
	{ "parser", "cob_bc_parser", COB_CHUNK },
};
#define NHELPERS (sizeof(helpers) / sizeof(helpers[0]))

static const unsigned sizes_full[] = { 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 0 };
static const unsigned sizes_quick[] = { 4, 256, 0 };

struct loaded {
	struct bpfcost_helpers *skel;
	struct bpf_program *prog;
};

/* Fill the maps the programs read: bc_src and every CPU's scratch chunk with
 * known-file bytes (the parser's input). */
static int fill_maps(struct bpfcost_helpers *s, unsigned char *known)
{
	int ncpu = libbpf_num_possible_cpus();
	__u32 zero = 0;
	unsigned char *pc;
	int err;

	if (ncpu <= 0)
		return -1;
	if (bpf_map__update_elem(s->maps.bc_src, &zero, sizeof(zero), known, BC_MAX_SIZE, 0))
		return -1;
	pc = malloc((size_t)ncpu * COB_CHUNK);
	if (!pc)
		return -1;
	for (int c = 0; c < ncpu; c++)
		memcpy(pc + (size_t)c * COB_CHUNK, known, COB_CHUNK);
	err = bpf_map__update_elem(s->maps.scratch, &zero, sizeof(zero), pc, (size_t)ncpu * COB_CHUNK, 0);
	free(pc);
	return err;
}

static int load(struct bc_run *r, const struct helper *h, unsigned char *known, unsigned char *ubuf,
		struct loaded *out)
{
	const char *progs[] = { h->prog, NULL };
	char why[300];

	out->skel = bpfcost_helpers__open();
	if (!out->skel) {
		bc_skip(r, h->name, "cannot open the BPF object");
		return -1;
	}
	out->skel->rodata->bc_tgid = getpid();
	if (bc_load_only(out->skel->skeleton, progs, why, sizeof(why))) {
		bc_skip(r, h->name, why);
		goto fail;
	}
	if (fill_maps(out->skel, known)) {
		bc_skip(r, h->name, "cannot fill the source maps");
		goto fail;
	}
	out->skel->bss->user_buf = (unsigned long)ubuf;
	out->prog = bpf_object__find_program_by_name(out->skel->obj, h->prog);
	return 0;
fail:
	bpfcost_helpers__destroy(out->skel);
	out->skel = NULL;
	return -1;
}

struct point {
	double median, mean, stats_per_run; /* ns per sample / per run; stats < 0: off */
	size_t n;
	__u64 parsed;
};

/* One point: `size` bytes, r->runs program runs after a tenth as warm-up. */
static int measure(struct bc_run *r, struct loaded *l, unsigned size, struct point *p)
{
	struct bpfcost_helpers__bss *b = l->skel->bss;
	uint64_t ns0, cnt0, ns1, cnt1;
	int fd = bpf_program__fd(l->prog);

	b->size = size;
	bc_trigger(r->runs / 10 + 1);
	b->bc_nsamples = 0;
	b->parsed = 0;
	bc_prog_stats(fd, &ns0, &cnt0);
	bc_trigger(r->runs);
	bc_prog_stats(fd, &ns1, &cnt1);
	p->n = b->bc_nsamples;
	if (p->n == 0)
		return -1;
	p->median = bc_median_u64(b->bc_samples, p->n);
	p->mean = bc_mean_u64(b->bc_samples, p->n);
	p->stats_per_run = r->stats && cnt1 > cnt0 ? (double)(ns1 - ns0) / (cnt1 - cnt0) : -1;
	p->parsed = b->parsed;
	return 0;
}

static int run(struct bc_run *r)
{
	static const char *const cols[] = { BC_PROV_COLS, "helper", "size", "rep", "samples", "calls_per_sample",
					    "median_ns_per_call", "mean_ns_per_call", "clock_ns",
					    "net_ns_per_call", "stats_ns_per_call", "numbers_per_call" };
	const size_t ncols = sizeof(cols) / sizeof(cols[0]);
	const unsigned *sizes = r->quick ? sizes_quick : sizes_full;
	struct loaded l[NHELPERS] = {};
	unsigned char *known = calloc(1, BC_MAX_SIZE), *ubuf = calloc(1, BC_MAX_SIZE);
	struct cob_csvw *w = NULL;
	int nsizes = 0, total = 0, done = 0, rc = -1;

	if (!known || !ubuf || bc_known_bytes(known, BC_MAX_SIZE))
		goto out;
	memcpy(ubuf, known, BC_MAX_SIZE); /* touched: probe_read_user cannot fault in pages */
	while (sizes[nsizes])
		nsizes++;
	for (size_t i = 0; i < NHELPERS; i++)
		if (!load(r, &helpers[i], known, ubuf, &l[i]))
			total += helpers[i].max ? nsizes : 1;
	if (!l[0].skel) {
		fprintf(stderr, "cob-bpfcost helpers: not even a tracepoint program loads here\n");
		goto out;
	}
	total *= r->reps;
	w = bc_csv_open(r, "helpers", cols, ncols);
	if (!w)
		goto out;
	for (int rep = 1; rep <= r->reps; rep++) {
		double clock = 0;

		for (size_t i = 0; i < NHELPERS; i++) {
			const struct helper *h = &helpers[i];
			char why[300];
			struct bpf_link *link;

			if (!l[i].skel)
				continue;
			link = bc_attach(l[i].prog, why, sizeof(why));
			if (!link) {
				fprintf(stderr, "cob-bpfcost helpers: %s: %s\n", h->name, why);
				goto out;
			}
			for (int k = 0; k < (h->max ? nsizes : 1); k++) {
				unsigned size = h->max ? sizes[k] : 0;
				const char *f[ncols];
				struct point p;

				if (size > h->max) {
					done++;
					continue;
				}
				if (measure(r, &l[i], size, &p)) {
					fprintf(stderr, "cob-bpfcost helpers: %s did not run (no samples)\n", h->name);
					bpf_link__destroy(link);
					goto out;
				}
				if (!h->max)
					clock = p.median;
				bc_prov(r, "helpers", f);
				f[4] = h->name;
				f[5] = bc_fmt("%u", size);
				f[6] = bc_fmt("%d", rep);
				f[7] = bc_fmt("%zu", p.n);
				f[8] = bc_fmt("%d", h->max ? BC_CALLS : 1);
				f[9] = bc_fmt("%.2f", h->max ? p.median / BC_CALLS : p.median);
				f[10] = bc_fmt("%.2f", h->max ? p.mean / BC_CALLS : p.mean);
				f[11] = bc_fmt("%.1f", clock);
				f[12] = bc_fmt("%.2f", h->max ? (p.median - clock) / BC_CALLS : 0.0);
				f[13] = p.stats_per_run < 0 ? "" : bc_fmt("%.2f", h->max ? p.stats_per_run / BC_CALLS : p.stats_per_run);
				f[14] = i == 4 ? bc_fmt("%.2f", (double)p.parsed / p.n / BC_CALLS) : "";
				if (cob_csvw_row(w, f, ncols)) {
					fprintf(stderr, "cob-bpfcost helpers: writing the CSV: %s\n", strerror(errno));
					bpf_link__destroy(link);
					goto out;
				}
				bc_progress("helpers", ++done, total, bc_fmt("rep %d %s %u B: %.1f ns/call", rep, h->name, size,
									      h->max ? p.median / BC_CALLS : p.median));
			}
			bpf_link__destroy(link);
		}
	}
	rc = bc_csv_commit(w, "helpers");
	w = NULL;
out:
	cob_csvw_abort(w);
	for (size_t i = 0; i < NHELPERS; i++)
		bpfcost_helpers__destroy(l[i].skel);
	free(known);
	free(ubuf);
	return rc;
}

const struct bc_bench bench_helpers = {
	.name = "helpers", .exper = "E11",
	.help = "ns per call of bpf_probe_read_kernel/_user, bpf_probe_write_user and the number parser vs size",
	.plot = "bpfcost-helpers",
	.reps = 5, .runs = 2000, .max_runs = BC_MAX_SAMPLES, .quick_reps = 1, .quick_runs = 100,
	.run = run,
};
