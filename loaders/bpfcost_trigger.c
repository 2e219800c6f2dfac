/* The bare trigger cost per hook mechanism (bpf/bpfcost_trigger.bpf.c), as
 * the kernel's selftests `bench trig-*`: the same empty program (count this
 * process's calls) on getpgid() through a tracepoint (sys_enter_getpgid), a
 * raw tracepoint (sys_enter: every syscall), a kprobe, fentry, fexit and
 * fmod_ret (on the syscall's entry function, __x64_sys_getpgid on x86-64).
 * Per mechanism and repetition: a tight loop of `runs` getpgid() calls timed
 * with CLOCK_MONOTONIC without the program, then with it attached (loading
 * and attaching outside both), each the median of 10 batches, ns per call
 * and the difference; the program's hit count must equal the calls (raw_tp
 * also sees this process's other syscalls: at least the calls). Mechanisms the kernel refuses are skipped
 * with the reason; their order rotates with the repetition. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "bpfcost_bench.h"
#include "ksyms.h"
#include "mechanisms.h"
#include "bpfcost_trigger.skel.h"

enum target { T_SECTION, T_KPROBE, T_BTF };

/* one per mechanism (mechanisms.h: their names, trigger.csv's mechanism) */
static const struct mech {
	const char *prog;
	enum target target; /* T_SECTION: the program's section says where */
} mechs[] = {
	[COB_MECH_TP] = { "cob_trig_tp", T_SECTION },
	[COB_MECH_RAW_TP] = { "cob_trig_raw_tp", T_SECTION },
	[COB_MECH_KPROBE] = { "cob_trig_kprobe", T_KPROBE },
	[COB_MECH_FENTRY] = { "cob_trig_fentry", T_BTF },
	[COB_MECH_FEXIT] = { "cob_trig_fexit", T_BTF },
	[COB_MECH_FMOD_RET] = { "cob_trig_fmod_ret", T_BTF },
};
#define NMECHS (sizeof(mechs) / sizeof(mechs[0]))
_Static_assert(NMECHS == COB_NMECHS, "a program for every mechanism of mechanisms.h");
#define MNAME(m) (cob_mech_names[(m) - mechs])

struct loaded {
	struct bpfcost_trigger *skel;
	struct bpf_program *prog;
	const char *where;
};

static int load(struct bc_run *r, const struct mech *m, const char *sym, struct loaded *l)
{
	const char *progs[] = { m->prog, NULL };
	char why[400];

	l->skel = bpfcost_trigger__open();
	if (!l->skel) {
		bc_skip(r, MNAME(m), "cannot open the BPF object");
		return -1;
	}
	l->skel->rodata->bc_tgid = getpid();
	l->prog = bpf_object__find_program_by_name(l->skel->obj, m->prog);
	l->where = m->target == T_SECTION ? bpf_program__section_name(l->prog) : sym;
	if (m->target == T_BTF && bpf_program__set_attach_target(l->prog, 0, sym)) {
		bc_skip(r, MNAME(m), bc_fmt("no BTF target %s", sym));
		goto fail;
	}
	if (bc_load_only(l->skel->skeleton, progs, why, sizeof(why))) {
		bc_skip(r, MNAME(m), why);
		goto fail;
	}
	return 0;
fail:
	bpfcost_trigger__destroy(l->skel);
	l->skel = NULL;
	return -1;
}

static struct bpf_link *attach(const struct mech *m, struct loaded *l, const char *sym, char *why, size_t len)
{
	struct bpf_link *link;

	if (m->target != T_KPROBE)
		return bc_attach(l->prog, why, len);
	link = bpf_program__attach_kprobe(l->prog, false, sym);
	if (!link)
		snprintf(why, len, "kprobe on %s: %s", sym, strerror(errno));
	return link;
}

/* ns per getpgid(): n calls in BC_TRIG_BATCHES batches after n/10 to warm
 * up, the median of the batches' figures (a burst of something else, e.g.
 * the other vCPU of a TCG guest, which shares its host thread, spoils one
 * batch, not the figure). */
#define BC_TRIG_BATCHES 10
static double loop_ns(long n)
{
	__u64 per[BC_TRIG_BATCHES];
	long b = n / BC_TRIG_BATCHES > 0 ? n / BC_TRIG_BATCHES : 1;

	bc_trigger(n / 10 + 1);
	for (int i = 0; i < BC_TRIG_BATCHES; i++) {
		uint64_t t0 = cob_now_ns();

		bc_trigger(b);
		per[i] = (cob_now_ns() - t0) * 1000 / b; /* ps per call: keeps the fraction */
	}
	return bc_median_u64(per, BC_TRIG_BATCHES) / 1000;
}

/* the calls loop_ns(n) makes, warm-up included: what `hits` must be */
static long calls(long n)
{
	return n / 10 + 1 + BC_TRIG_BATCHES * (n / BC_TRIG_BATCHES > 0 ? n / BC_TRIG_BATCHES : 1);
}

static int run(struct bc_run *r)
{
	static const char *const cols[] = { BC_PROV_COLS, "mechanism", "attach_point", "rep", "calls",
					    "ns_per_call", "base_ns_per_call", "overhead_ns", "hits" };
	const size_t ncols = sizeof(cols) / sizeof(cols[0]);
	const char *sym = ksym_getpgid();
	struct loaded l[NMECHS] = {};
	struct cob_csvw *w = NULL;
	int total = 0, done = 0, rc = -1;

	for (size_t i = 0; i < NMECHS; i++)
		if (!load(r, &mechs[i], sym, &l[i]))
			total++;
	if (!total) {
		fprintf(stderr, "cob-bpfcost trigger: no mechanism loads here\n");
		goto out;
	}
	total *= r->reps;
	w = bc_csv_open(r, "trigger", cols, ncols);
	if (!w)
		goto out;
	for (int rep = 1; rep <= r->reps; rep++) {
		for (size_t j = 0; j < NMECHS; j++) {
			size_t i = (j + rep - 1) % NMECHS;
			const struct mech *m = &mechs[i];
			struct bpf_link *link;
			double base, with;
			const char *f[ncols];
			char why[400];
			__u64 hits;

			if (!l[i].skel)
				continue;
			base = loop_ns(r->runs);
			link = attach(m, &l[i], sym, why, sizeof(why));
			if (!link) {
				bc_skip(r, MNAME(m), why);
				bpfcost_trigger__destroy(l[i].skel);
				l[i].skel = NULL;
				total -= r->reps - rep + 1;
				continue;
			}
			l[i].skel->bss->hits = 0;
			with = loop_ns(r->runs);
			hits = l[i].skel->bss->hits;
			bpf_link__destroy(link);
			bc_prov(r, "trigger", f);
			f[4] = MNAME(m);
			f[5] = l[i].where;
			f[6] = bc_fmt("%d", rep);
			f[7] = bc_fmt("%ld", calls(r->runs));
			f[8] = bc_fmt("%.1f", with);
			f[9] = bc_fmt("%.1f", base);
			f[10] = bc_fmt("%.1f", with - base);
			f[11] = bc_fmt("%llu", (unsigned long long)hits);
			if (cob_csvw_row(w, f, ncols)) {
				fprintf(stderr, "cob-bpfcost trigger: writing the CSV: %s\n", strerror(errno));
				goto out;
			}
			bc_progress("trigger", ++done, total,
				    bc_fmt("rep %d %s: %.1f ns/call, +%.1f over none", rep, MNAME(m), with, with - base));
		}
	}
	rc = bc_csv_commit(w, "trigger");
	w = NULL;
out:
	cob_csvw_abort(w);
	for (size_t i = 0; i < NMECHS; i++)
		bpfcost_trigger__destroy(l[i].skel);
	return rc;
}

const struct bc_bench bench_trigger = {
	.name = "trigger", .exper = "",
	.help = "bare trigger cost per hook mechanism (tp, raw_tp, kprobe, fentry, fexit, fmod_ret) on getpgid()",
	.plot = "bpfcost-trigger",
	.reps = 5, .runs = 200000, .quick_reps = 1, .quick_runs = 5000,
	.run = run,
};
