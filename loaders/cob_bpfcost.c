/* cob-bpfcost: micro-benchmarks of what BPF itself costs (README: BPF cost).
 *
 *   cob-bpfcost BENCH --out DIR [--quick] [--reps N] [--runs N] [--command STR]
 *
 * BENCH is one of the table below. Writes DIR/BENCH.csv (temporary file,
 * then rename), DIR/meta.json (the suite's provenance: kernel, where,
 * accelerator, CPU, git revision, command) and DIR/plots.txt (the graph
 * run.sh draws). The kernel's run-time statistics are switched on for the
 * run through BPF_ENABLE_STATS (an fd: they switch off when this process
 * ends, however it ends), or, on a kernel without that command, through the
 * sysctl kernel.bpf_stats_enabled with a guard process that restores it.
 * Exit: 0 done, 1 failed, 2 bad usage. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "bpf_log.h"
#include "bpfcost.h"
#include "bpfcost_bench.h"
#include "meta.h"
#include "sysctl_guard.h"

static const struct bc_bench *const benches[] = { &bench_helpers, &bench_verifier, &bench_tailcall,
						    &bench_trigger, NULL };

static void usage(FILE *f)
{
	fprintf(f, "usage: cob-bpfcost BENCH --out DIR [--quick] [--reps N] [--runs N] [--command STR]\n"
		   "What BPF itself costs, measured on this kernel (programs run on the benchmark's own\n"
		   "getpgid() calls). BENCH:\n");
	for (int i = 0; benches[i]; i++)
		fprintf(f, "  %-9s %s%s%s\n", benches[i]->name, benches[i]->exper[0] ? benches[i]->exper : "",
			benches[i]->exper[0] ? ": " : "", benches[i]->help);
	fprintf(f, "  --out DIR     results directory (created): BENCH.csv, meta.json, plots.txt\n"
		   "  --quick       the smallest grid, one repetition\n"
		   "  --reps N      repetitions (outer loop)\n"
		   "  --runs N      program runs per point and repetition (helpers, tailcall: at most %d;\n"
		   "                trigger: syscalls per timed loop; verifier: loads per size)\n"
		   "  --command S   the command to record in meta.json (default: this argv)\n",
		BC_MAX_SAMPLES);
}

static int posint(const char *s, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < 1 || v > 100000000)
		return -1;
	*out = (int)v;
	return 0;
}

/* Run-time statistics for the life of the process; false when neither way works. */
static bool stats_on(struct sysctl_guard *g)
{
	char note[300];
	int fd = bpf_enable_stats(BPF_STATS_RUN_TIME);

	if (fd >= 0)
		return true; /* kept open to the end: closing it switches them off */
	if (!sysctl_guard_set(g, 1, note, sizeof(note)))
		return true;
	fprintf(stderr, "cob-bpfcost: no run-time statistics (BPF_ENABLE_STATS: %s; %s): no cross-check\n",
		strerror(errno), note);
	return false;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = { { "out", required_argument, 0, 'o' },
					       { "quick", no_argument, 0, 'q' },
					       { "reps", required_argument, 0, 'r' },
					       { "runs", required_argument, 0, 'n' },
					       { "command", required_argument, 0, 'c' },
					       { "help", no_argument, 0, 'h' },
					       { 0 } };
	struct sysctl_guard g = SYSCTL_GUARD_INIT("/proc/sys/kernel/bpf_stats_enabled", "cob-bpfstat-guard");
	const struct bc_bench *b = NULL;
	struct bc_run r = {};
	const char *command = NULL;
	int reps = 0, runs = 0, c, rc;
	char path[4096];
	FILE *f;

	/* GNU getopt permutes: options may come before or after BENCH */
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'o': r.out = optarg; break;
		case 'q': r.quick = true; break;
		case 'r':
		case 'n':
			if (posint(optarg, c == 'r' ? &reps : &runs)) {
				fprintf(stderr, "cob-bpfcost: --%s needs a positive number, not '%s'\n",
					c == 'r' ? "reps" : "runs", optarg);
				return 2;
			}
			break;
		case 'c': command = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "cob-bpfcost: which benchmark? (helpers, verifier, tailcall, trigger)\n");
		return 2;
	}
	for (int i = 0; benches[i]; i++)
		if (!strcmp(argv[optind], benches[i]->name))
			b = benches[i];
	if (!b) {
		fprintf(stderr, "cob-bpfcost: unknown benchmark '%s' (helpers, verifier, tailcall, trigger)\n",
			argv[optind]);
		return 2;
	}
	if (optind + 1 < argc) {
		fprintf(stderr, "cob-bpfcost: unexpected argument '%s'\n", argv[optind + 1]);
		return 2;
	}
	if (!r.out) {
		fprintf(stderr, "cob-bpfcost: --out DIR is required\n");
		return 2;
	}
	r.reps = reps ? reps : r.quick ? b->quick_reps : b->reps;
	r.runs = runs ? runs : r.quick ? b->quick_runs : b->runs;
	if (b->max_runs && r.runs > b->max_runs) {
		fprintf(stderr, "cob-bpfcost: %s keeps one sample per run: --runs at most %d\n", b->name, b->max_runs);
		return 2;
	}
	if (geteuid() != 0) {
		fprintf(stderr, "cob-bpfcost: needs root (loads BPF programs)\n");
		return 2;
	}
	if (mkdir(r.out, 0755) && errno != EEXIST) {
		fprintf(stderr, "cob-bpfcost: cannot create %s: %s\n", r.out, strerror(errno));
		return 1;
	}
	bpf_log_capture(true);
	bpf_log_capture(false); /* libbpf quiet but for COB_BPF_VERBOSE */
	r.meta = cob_meta_new(argc, argv);
	r.skipped = json_object();
	if (!r.meta || !r.skipped)
		return 1;
	if (command)
		cob_meta_set_command(r.meta, command);
	r.stats = stats_on(&g);
	rc = b->run(&r);
	sysctl_guard_restore(&g);
	if (rc)
		return 1;
	json_object_set_new(r.meta, "experiment", json_string(b->name));
	json_object_set_new(r.meta, "thesis_experiment", json_string(b->exper));
	json_object_set_new(r.meta, "clock", json_string("bpf_ktime_get_ns (BPF), CLOCK_MONOTONIC (user space)"));
	json_object_set_new(r.meta, "bpf_stats", json_boolean(r.stats));
	json_object_set_new(r.meta, "repetitions", json_integer(r.reps));
	json_object_set_new(r.meta, "runs", json_integer(r.runs));
	json_object_set_new(r.meta, "quick", json_boolean(r.quick));
	json_object_set_new(r.meta, "skipped", r.skipped);
	snprintf(path, sizeof(path), "%s/meta.json", r.out);
	if (cob_meta_write(r.meta, path)) {
		fprintf(stderr, "cob-bpfcost: cannot write %s: %s\n", path, strerror(errno));
		return 1;
	}
	snprintf(path, sizeof(path), "%s/plots.txt", r.out);
	f = fopen(path, "w");
	if (!f || fprintf(f, "%s\n", b->plot) < 0 || fclose(f)) {
		fprintf(stderr, "cob-bpfcost: cannot write %s\n", path);
		return 1;
	}
	fprintf(stderr, "cob-bpfcost: %s done: %s/%s.csv\n", b->name, r.out, b->name);
	return 0;
}
