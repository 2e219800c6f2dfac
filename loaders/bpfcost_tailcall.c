/* E13 tail calls (bpf/bpfcost_tailcall.bpf.c): the same filter-reduce over
 * the same bytes, as one program and as filter -> reduce tail calls, vs read
 * size (4 KiB chunks; a chain holds at most BC_TC_MAX_CHUNKS of them). Per
 * point: `runs` getpgid() calls of this process, one bpf_ktime_get_ns sample
 * each (first filter to last reduce), median and mean, the entry program's
 * run-time statistics (a chain's tail calls run inside its entry program's
 * run), and the result checked against the user-space reference
 * (workloads/filter_reduce.c). The two variants alternate their order by
 * repetition. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "copyout_hook.h"
#include "bpfcost.h"
#include "bpfcost_bench.h"
#include "filegen.h"
#include "filter_reduce.h"
#include "bpfcost_tailcall.skel.h"

static const unsigned sizes_full[] = { 4096, 8192, 16384, 32768, 65536, 0 };
static const unsigned sizes_quick[] = { 4096, 16384, 0 };
#define TC_FF 50 /* filter factor: half the numbers are kept */

struct variant {
	const char *name;
	struct bpf_program *entry;
};

static int fill_prog_array(struct bpfcost_tailcall *s)
{
	__u32 k0 = 0, k1 = 1;
	int f = bpf_program__fd(s->progs.cob_tc_filter), r = bpf_program__fd(s->progs.cob_tc_reduce);

	if (bpf_map__update_elem(s->maps.tc_progs, &k0, sizeof(k0), &f, sizeof(f), 0) ||
	    bpf_map__update_elem(s->maps.tc_progs, &k1, sizeof(k1), &r, sizeof(r), 0))
		return -1;
	return 0;
}

static int run(struct bc_run *r)
{
	static const char *const cols[] = { BC_PROV_COLS, "variant", "size", "rep", "samples", "median_ns",
					    "mean_ns", "stats_ns_per_run", "count", "sum", "min", "max", "match",
					    "broken_chains" };
	const size_t ncols = sizeof(cols) / sizeof(cols[0]);
	const char *progs[] = { "cob_tc_single", "cob_tc_filter", "cob_tc_reduce", NULL };
	const unsigned *sizes = r->quick ? sizes_quick : sizes_full;
	const size_t max = BC_TC_MAX_CHUNKS * COB_CHUNK;
	uint64_t threshold = filegen_threshold(FILEGEN_DEFAULT_WIDTH, TC_FF);
	struct bpfcost_tailcall *s = NULL;
	unsigned char *buf = malloc(max);
	struct cob_csvw *w = NULL;
	int nsizes = 0, done = 0, total, rc = -1;
	char why[400];

	if (!buf || bc_known_bytes(buf, max))
		goto out;
	while (sizes[nsizes])
		nsizes++;
	total = r->reps * nsizes * 2;
	s = bpfcost_tailcall__open();
	if (!s) {
		fprintf(stderr, "cob-bpfcost tailcall: cannot open the BPF object\n");
		goto out;
	}
	s->rodata->bc_tgid = getpid();
	s->rodata->tc_threshold = threshold;
	if (bc_load_only(s->skeleton, progs, why, sizeof(why))) {
		fprintf(stderr, "cob-bpfcost tailcall: %s\n", why);
		goto out;
	}
	if (fill_prog_array(s)) {
		fprintf(stderr, "cob-bpfcost tailcall: cannot fill the program array: %s\n", strerror(errno));
		goto out;
	}
	s->bss->user_buf = (unsigned long)buf;
	w = bc_csv_open(r, "tailcall", cols, ncols);
	if (!w)
		goto out;
	for (int rep = 1; rep <= r->reps; rep++) {
		for (int k = 0; k < nsizes; k++) {
			struct variant v[2] = { { "single", s->progs.cob_tc_single }, { "tailcall", s->progs.cob_tc_filter } };
			struct fr_result want = fr_compute(buf, sizes[k], threshold);

			for (int j = 0; j < 2; j++) {
				struct variant *x = &v[(j + rep) % 2];
				struct bpf_link *link = bc_attach(x->entry, why, sizeof(why));
				uint64_t ns0, c0, ns1, c1;
				const char *f[ncols];
				size_t n;

				if (!link) {
					fprintf(stderr, "cob-bpfcost tailcall: %s: %s\n", x->name, why);
					goto out;
				}
				s->bss->len = sizes[k];
				bc_trigger(r->runs / 10 + 1);
				s->bss->bc_nsamples = 0;
				s->bss->broken_chains = 0;
				memset(&s->bss->result, 0, sizeof(s->bss->result));
				bc_prog_stats(bpf_program__fd(x->entry), &ns0, &c0);
				bc_trigger(r->runs);
				bc_prog_stats(bpf_program__fd(x->entry), &ns1, &c1);
				bpf_link__destroy(link);
				n = s->bss->bc_nsamples;
				if (!n) {
					fprintf(stderr, "cob-bpfcost tailcall: %s did not run (no samples)\n", x->name);
					goto out;
				}
				struct cob_fr got = s->bss->result;
				int match = got.count == want.count && got.sum == want.sum && got.min == want.min &&
					    got.max == want.max;

				bc_prov(r, "tailcall", f);
				f[4] = x->name;
				f[5] = bc_fmt("%u", sizes[k]);
				f[6] = bc_fmt("%d", rep);
				f[7] = bc_fmt("%zu", n);
				f[8] = bc_fmt("%.1f", bc_median_u64(s->bss->bc_samples, n));
				f[9] = bc_fmt("%.1f", bc_mean_u64(s->bss->bc_samples, n));
				f[10] = r->stats && c1 > c0 ? bc_fmt("%.1f", (double)(ns1 - ns0) / (c1 - c0)) : "";
				f[11] = bc_fmt("%llu", (unsigned long long)got.count);
				f[12] = bc_fmt("%llu", (unsigned long long)got.sum);
				f[13] = bc_fmt("%llu", (unsigned long long)got.min);
				f[14] = bc_fmt("%llu", (unsigned long long)got.max);
				f[15] = match ? "1" : "0";
				f[16] = bc_fmt("%llu", (unsigned long long)s->bss->broken_chains);
				if (cob_csvw_row(w, f, ncols)) {
					fprintf(stderr, "cob-bpfcost tailcall: writing the CSV: %s\n", strerror(errno));
					goto out;
				}
				bc_progress("tailcall", ++done, total,
					    bc_fmt("rep %d %s %u B: %s ns/run%s", rep, x->name, sizes[k], f[8],
						   match ? "" : " (result differs from user space!)"));
			}
		}
	}
	rc = bc_csv_commit(w, "tailcall");
	w = NULL;
out:
	cob_csvw_abort(w);
	bpfcost_tailcall__destroy(s);
	free(buf);
	return rc;
}

const struct bc_bench bench_tailcall = {
	.name = "tailcall", .exper = "E13",
	.help = "the same filter-reduce as one program and as filter -> reduce tail calls vs read size",
	.plot = "bpfcost-tailcall",
	.reps = 5, .runs = 1000, .max_runs = BC_MAX_SAMPLES, .quick_reps = 1, .quick_runs = 50,
	.run = run,
};
