/* `cob-bpfcost`: micro-benchmarks of what BPF itself costs (README: BPF
 * cost). One struct bc_bench per benchmark (the table in cob_bpfcost.c);
 * each writes one CSV (atomically) plus meta.json into the output
 * directory and names its graph in plots.txt, like a sweep. Programs run on
 * the benchmark's own getpgid() calls; BPF times with bpf_ktime_get_ns, user
 * space with CLOCK_MONOTONIC; loading and attaching are never inside a timed
 * interval (except in `verifier`, where loading is what is measured). */
#ifndef BPFCOST_LOADER_H
#define BPFCOST_LOADER_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include <linux/types.h>
#include "clock.h"
#include "csv.h"
#include "stats.h"

struct bc_run {
	const char *out;   /* the results directory */
	int reps;          /* repetitions (outer loop) */
	int runs;          /* program runs (getpgid calls) per point and repetition */
	bool quick;        /* the smallest grid */
	json_t *meta;      /* meta.json; a bench adds "skipped" reasons */
	json_t *skipped;   /* name -> reason */
	bool stats;        /* run-time statistics on (run_time_ns / run_cnt) */
};

struct bc_bench {
	const char *name;  /* cob-bpfcost NAME; also the experiment's name */
	const char *exper; /* the thesis's experiment (E11, ...) or "" */
	const char *help;
	const char *plot;  /* plots/NAME.gp */
	int reps, runs;    /* defaults */
	int quick_reps, quick_runs;
	int max_runs;      /* 0: no limit */
	int (*run)(struct bc_run *r); /* 0, or -1 after saying why */
};

extern const struct bc_bench bench_helpers, bench_verifier, bench_tailcall, bench_trigger;

/* Provenance columns every bpfcost CSV starts with, and their values. */
#define BC_PROV_COLS "experiment", "kernel", "where", "accel"
#define BC_PROV_N 4
void bc_prov(const struct bc_run *r, const char *exper, const char **fields);

/* The CSV in the results directory: DIR/NAME.csv.tmp, committed by the
 * caller (cob_csvw_commit). NULL after saying why. */
struct cob_csvw *bc_csv_open(const struct bc_run *r, const char *name, const char *const *cols,
			     size_t n);
int bc_csv_commit(struct cob_csvw *w, const char *bench);
/* A formatted field in a ring of buffers (valid for the next 31 calls). */
const char *bc_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* n getpgid() calls: the trigger of every bpfcost program */
void bc_trigger(long n);
/* The program's run_time_ns and run_cnt (0 when statistics are off). */
int bc_prog_stats(int prog_fd, uint64_t *run_ns, uint64_t *runs);
/* Say "skipping WHAT: REASON", record it in meta.json's "skipped". */
void bc_skip(struct bc_run *r, const char *what, const char *reason);
/* Progress line on stderr with elapsed time and an estimate of what remains. */
void bc_progress(const char *bench, int done, int total, const char *what);
struct bpf_object_skeleton;
struct bpf_program;
struct bpf_link;
/* Load the skeleton's object (mapping its global data) with only the programs named in PROGS (NULL-terminated), so a
 * program the kernel refuses skips only its own measurement. 0, or -1 with
 * the verifier's or libbpf's reason. */
int bc_load_only(struct bpf_object_skeleton *skel, const char *const *progs, char *reason, size_t len);
/* Attach P (its section says where); NULL with a reason. */
struct bpf_link *bc_attach(struct bpf_program *p, char *reason, size_t len);
/* The median of the samples, as double. */
double bc_median_u64(const __u64 *v, size_t n);
double bc_mean_u64(const __u64 *v, size_t n);
/* n bytes of a known file (workloads/filegen.c, default width, seed 1). */
int bc_known_bytes(unsigned char *buf, size_t n);

#endif
