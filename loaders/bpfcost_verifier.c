/* E12 verifier and JIT cost vs program size. Programs of N instructions are
 * generated here from raw instructions (no build step: one loop per shape)
 * and loaded as tracepoint programs (the type a locked-down kernel loads),
 * never attached:
 *   alu     straight-line 64-bit ALU on r0: the verifier walks each insn once
 *   branch  every 4 insns a helper call (bpf_get_prandom_u32) and a jump on
 *           its result over one ALU insn: both ways are walked and pruned
 *           where they join (the random number is dead by the next call)
 * Per load: the wall time around bpf_prog_load() (CLOCK_MONOTONIC), the
 * verifier's own statistics (log level BPF_LOG_STATS: "verification time N
 * usec", "processed N insns"), and bpf_prog_info (verified_insns, xlated and
 * jited sizes). The kernel does not report JIT time on its own: load minus
 * verification is the JIT plus the rest of the load (copying the insns,
 * allocation, kallsyms), reported as such. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include "bpfcost_bench.h"

static const unsigned sizes_full[] = { 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 0 };
static const unsigned sizes_quick[] = { 16, 1024, 0 };
static const char *const shapes[] = { "alu", "branch" };

static struct bpf_insn insn(__u8 code, __u8 dst, __u8 src, __s16 off, __s32 imm)
{
	return (struct bpf_insn){ .code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm };
}

/* n >= 8 instructions of SHAPE (0 alu, 1 branch), ending in exit. */
static struct bpf_insn *generate(int shape, unsigned n)
{
	struct bpf_insn *p = calloc(n, sizeof(*p));
	unsigned i = 0;

	if (!p)
		return NULL;
	p[i++] = insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_7, 0, 0, 0);
	while (i + 4 <= n - 2) {
		__s32 k = (__s32)(i * 2654435761u >> 1);

		if (shape == 1) { /* a fresh random number decides: r0 dies at the next call */
			p[i++] = insn(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_get_prandom_u32);
			p[i++] = insn(BPF_JMP | BPF_JGT | BPF_K, BPF_REG_0, 0, 1, k);
		} else {
			p[i++] = insn(BPF_ALU64 | BPF_SUB | BPF_K, BPF_REG_7, 0, 0, k);
			p[i++] = insn(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_1, BPF_REG_7, 0, 0);
		}
		p[i++] = insn(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_7, 0, 0, 1);
		p[i++] = insn(BPF_ALU64 | BPF_XOR | BPF_K, BPF_REG_7, 0, 0, 0x55);
	}
	while (i < n - 2)
		p[i++] = insn(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_7, 0, 0, 1);
	p[i++] = insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0);
	p[i++] = insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	return p;
}

struct load {
	uint64_t load_ns;
	long long verify_us, processed; /* -1: not in the log */
	struct bpf_prog_info info;
};

static long long log_number(const char *log, const char *prefix)
{
	const char *p = strstr(log, prefix);

	return p ? strtoll(p + strlen(prefix), NULL, 10) : -1;
}

static int load_once(const struct bpf_insn *p, unsigned n, struct load *out, char *why, size_t len)
{
	static char log[8192];
	LIBBPF_OPTS(bpf_prog_load_opts, o, .log_buf = log, .log_size = sizeof(log), .log_level = 4);
	__u32 ilen = sizeof(out->info);
	uint64_t t0;
	int fd;

	log[0] = '\0';
	t0 = cob_now_ns();
	fd = bpf_prog_load(BPF_PROG_TYPE_TRACEPOINT, "cob_bc_gen", "GPL", p, n, &o);
	out->load_ns = cob_now_ns() - t0;
	if (fd < 0) {
		int err = errno;
		const char *last = log;

		for (const char *q = log; *q; q++) /* the log's last non-empty line */
			if (q[0] == '\n' && q[1] && q[1] != '\n')
				last = q + 1;
		snprintf(why, len, "load of %u insns failed: %s%s%.*s", n, strerror(err), *last ? ": " : "",
			 (int)strcspn(last, "\n"), last);
		return -1;
	}
	out->verify_us = log_number(log, "verification time ");
	out->processed = log_number(log, "processed ");
	memset(&out->info, 0, sizeof(out->info));
	bpf_obj_get_info_by_fd(fd, &out->info, &ilen);
	close(fd);
	return 0;
}

static int run(struct bc_run *r)
{
	static const char *const cols[] = { BC_PROV_COLS, "shape", "insns", "rep", "load_ns", "verify_ns",
					    "load_minus_verify_ns", "processed_insns", "verified_insns",
					    "xlated_bytes", "jited_bytes" };
	const size_t ncols = sizeof(cols) / sizeof(cols[0]);
	const unsigned *sizes = r->quick ? sizes_quick : sizes_full;
	struct cob_csvw *w;
	int nsizes = 0, done = 0, total, rows = 0;

	while (sizes[nsizes])
		nsizes++;
	total = r->reps * 2 * nsizes;
	w = bc_csv_open(r, "verifier", cols, ncols);
	if (!w)
		return -1;
	/* repetitions outermost, sizes alternating shapes: drift spreads evenly */
	for (int rep = 1; rep <= r->reps; rep++) {
		for (int k = 0; k < nsizes; k++) {
			for (int s = 0; s < 2; s++) {
				struct bpf_insn *p = generate(s, sizes[k]);
				char why[400];

				if (!p)
					goto fail;
				for (int l = 0; l < r->runs; l++) {
					struct load ld;
					const char *f[ncols];

					if (load_once(p, sizes[k], &ld, why, sizeof(why))) {
						free(p);
						if (rows == 0 && k == 0) { /* not even the smallest loads */
							fprintf(stderr, "cob-bpfcost verifier: %s\n", why);
							goto fail;
						}
						bc_skip(r, bc_fmt("%s %u", shapes[s], sizes[k]), why);
						goto next;
					}
					bc_prov(r, "verifier", f);
					f[4] = shapes[s];
					f[5] = bc_fmt("%u", sizes[k]);
					f[6] = bc_fmt("%d", rep);
					f[7] = bc_fmt("%llu", (unsigned long long)ld.load_ns);
					f[8] = ld.verify_us < 0 ? "" : bc_fmt("%lld", ld.verify_us * 1000);
					f[9] = ld.verify_us < 0 ? "" : bc_fmt("%lld", (long long)ld.load_ns - ld.verify_us * 1000);
					f[10] = ld.processed < 0 ? "" : bc_fmt("%lld", ld.processed);
					f[11] = bc_fmt("%u", ld.info.verified_insns);
					f[12] = bc_fmt("%u", ld.info.xlated_prog_len);
					f[13] = bc_fmt("%u", ld.info.jited_prog_len);
					if (cob_csvw_row(w, f, ncols)) {
						free(p);
						fprintf(stderr, "cob-bpfcost verifier: writing the CSV: %s\n", strerror(errno));
						goto fail;
					}
					rows++;
				}
				free(p);
next:
				bc_progress("verifier", ++done, total, bc_fmt("rep %d %s %u insns", rep, shapes[s], sizes[k]));
			}
		}
	}
	return bc_csv_commit(w, "verifier");
fail:
	cob_csvw_abort(w);
	return -1;
}

const struct bc_bench bench_verifier = {
	.name = "verifier", .exper = "E12",
	.help = "load (verification) time, JIT + rest of load, verified insns vs program size",
	.plot = "bpfcost-verifier",
	.reps = 3, .runs = 3, .quick_reps = 1, .quick_runs = 2,
	.run = run,
};
