/* Attach a BPF program to the first of several kernel functions that the
 * running kernel lets it attach to (a fallback chain, as libbpf-tools'
 * kprobe_exists checks): function names change between kernel versions
 * (mark_page_accessed -> folio_mark_accessed), or a function is inlined and
 * only its tracepoint is left. Used by cob-cachestat and cob-readahead. */
#ifndef ATTACH_FIRST_H
#define ATTACH_FIRST_H
#include <stdbool.h>
#include <stddef.h>
#include <bpf/libbpf.h>

struct attach_point {
	const char *func; /* kprobe (kretprobe) target, or NULL: tracepoint */
	int tp;           /* index into the tracepoint programs, when func is NULL */
	const char *name; /* the tracepoint, for the reason line */
};

/* The link of the first point that attaches (kp as a kprobe, or a
 * kretprobe with retprobe; tps[tp] for a tracepoint point), or NULL with why
 * = every point tried and what the kernel said to the first. */
struct bpf_link *attach_first(struct bpf_program *kp, bool retprobe, struct bpf_program *const *tps,
			      const struct attach_point *pts, int n, char *why, size_t len);

#endif
