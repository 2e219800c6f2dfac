/* Shared between the BPF cost micro-benchmarks (bpf/bpfcost_*.bpf.c) and
 * their loader (loaders/bpfcost_*.c, `cob-bpfcost`). Every program runs on a
 * syscall of the benchmark's own process (getpgid: cheap, no side effect),
 * measures its work with bpf_ktime_get_ns and appends one sample per run. */
#ifndef BPFCOST_H
#define BPFCOST_H

/* samples kept per point (the loader reads them back and resets the count) */
#define BC_MAX_SAMPLES 4096
/* helper calls timed per sample (E11): one bpf_ktime_get_ns pair over this
 * many calls, so the clock's own cost is spread thin */
#define BC_CALLS 16
/* largest helper copy (E11): a per-CPU map value (at most 32 KiB) */
#define BC_MAX_SIZE 16384
/* E13: numbers kept by the filter stage of one 4 KiB chunk (a number takes
 * at least 2 bytes: a digit and a separator) */
#define BC_MAX_KEPT (COB_CHUNK / 2)
/* E13: tail calls are limited to 33 per chain (MAX_TAIL_CALL_CNT); a chunk
 * takes two (filter -> reduce -> next filter), so at most 16 chunks */
#define BC_TC_MAX_CHUNKS 16

/* E11: what one program measures */
enum bc_helper {
	BC_H_CLOCK,       /* nothing between the two clock reads: the timing's own cost */
	BC_H_READ_KERNEL, /* bpf_probe_read_kernel(map value -> map value) */
	BC_H_READ_USER,   /* bpf_probe_read_user(the loader's buffer -> map value) */
	BC_H_WRITE_USER,  /* bpf_probe_write_user(map value -> the loader's buffer) */
	BC_H_PARSER,      /* the suite's number parser (filter_reduce.bpf.h) over a chunk */
};

#endif
