/* libbpf prints its diagnostics through one callback. This is the project's
 * only capture of them: while a capture is open, libbpf's messages are kept
 * (to turn a failure into a one-line reason) and nothing is printed, except
 * with COB_BPF_VERBOSE=1, which copies everything libbpf says (verifier logs
 * included) to stderr.
 *
 * Captures nest: bpf_log_begin() installs the capture callback (saving the
 * caller's), and starts a new capture; bpf_log_end() drops what that capture
 * kept, gives the enclosing capture back what it had, and, at the outermost
 * level, restores the caller's callback. */
#ifndef BPF_LOG_H
#define BPF_LOG_H
#include <stdbool.h>
#include <stddef.h>

void bpf_log_begin(void);
void bpf_log_end(void);
/* Forget what the current capture kept so far (before the next attempt). */
void bpf_log_reset(void);

/* The first line libbpf said in the current capture ("" if none): later
 * lines are usually consequences. Valid until the next call. */
const char *bpf_log_reason(void);
/* The most telling line of the current capture, without libbpf's "libbpf: "
 * and "prog 'x': " prefixes: the verifier's complaint (the last line of a
 * program load log that is not statistics), else the first line saying what
 * failed; "" if none. */
void bpf_log_summary(char *out, size_t len);

/* The loader's form: on = bpf_log_begin(); off = bpf_log_end(), after which
 * libbpf stays routed through this file (quiet, but for COB_BPF_VERBOSE). */
void bpf_log_capture(bool on);

#endif
