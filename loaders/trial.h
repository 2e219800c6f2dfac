/* The trial harness of the feature checks: open bpf/probe.bpf.c with only
 * the program under test, load it, attach it, let this thread make the
 * system call that should fire it, read back what it saw, detach, destroy.
 *
 * Every trial acts only on the calling thread (the programs filter on its
 * thread id), captures libbpf's messages for its reasons (bpf_log.h), and
 * has tracefs mounted while it runs if it was missing (unmounted again at
 * trial_end). trial_end() is due after every trial_begin(), failed or not. */
#ifndef TRIAL_H
#define TRIAL_H
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "probe.skel.h"

enum trial_kind { TRIAL_TP, TRIAL_RAWTP, TRIAL_KPROBE, TRIAL_TRACE };

struct trial {
	struct probe *skel; /* skel->bss: what the program saw (hits, helper_ret, ...) */
	struct bpf_program *prog;
	struct bpf_link *link;
	enum trial_kind kind;
};

/* Open and load program prog_name of probe.bpf.c (fentry/fexit/fmod_ret on
 * btf_target when given; the ring buffer map only when ringbuf). 0, or -1
 * with the reason in r. */
int trial_begin(struct trial *t, const char *prog_name, enum trial_kind kind, const char *btf_target,
		bool ringbuf, char *r, size_t len);
/* Attach (a kprobe on func for TRIAL_KPROBE), replacing an earlier link and
 * zeroing what the program reports. 0, or -1 with the reason in r. */
int trial_attach(struct trial *t, const char *func, char *r, size_t len);
void trial_detach(struct trial *t);
void trial_end(struct trial *t);
/* How often the program ran for this thread since trial_attach. */
unsigned long long trial_hits(const struct trial *t);

/* The usual trial in one call: begin, attach, fire, end. fire() makes the
 * system call that should run the program and judges what it saw (true:
 * the feature works; r: why or why not). */
struct trial_spec {
	const char *prog;     /* program of probe.bpf.c */
	enum trial_kind kind;
	const char *func;     /* TRIAL_KPROBE: kprobe on it; TRIAL_TRACE: BTF target */
	bool ringbuf;         /* create the ring buffer map */
};
typedef bool (*trial_fire_fn)(struct trial *t, const void *arg, char *r, size_t len);
bool trial_run(const struct trial_spec *s, trial_fire_fn fire, const void *arg, char *r, size_t len);

/* "<stage> failed: EXXX: <libbpf's most telling line> (<hint>)" */
void trial_fail_reason(char *r, size_t len, const char *stage, enum trial_kind kind, int err);
/* "EPERM" for EPERM, "error" when it has no name. */
const char *trial_errname(int err);

/* Triggers: system calls this thread makes to fire a program. */
void trig_badfd_read(char *buf, size_t n); /* read(-1): sys_enter_read fires anyway */
void trig_vfs_read(void);                  /* a read() of /dev/null: vfs_read */
ssize_t trig_pipe_read(char *buf);         /* "abcd" through a pipe into buf: copyout */

#endif
