/* libbpf prints its diagnostics through one callback; during a trial attach
 * we keep them so a failure can say why, and stay quiet otherwise. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <bpf/libbpf.h>
#include "backend.h"

static char last[256];
static bool capturing;
static bool verbose;

static int capture_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char line[512];

	if (verbose) { /* COB_BPF_VERBOSE=1: everything libbpf says, e.g. verifier logs */
		va_list copy;

		va_copy(copy, ap);
		vfprintf(stderr, fmt, copy);
		va_end(copy);
	}
	if (!capturing || level == LIBBPF_DEBUG)
		return 0;
	vsnprintf(line, sizeof(line), fmt, ap);
	line[strcspn(line, "\n")] = 0;
	/* Keep the first warning: later lines are usually consequences. */
	if (!last[0] && line[0])
		snprintf(last, sizeof(last), "%.255s", line);
	return 0;
}

void bpf_log_capture(bool on)
{
	const char *v = getenv("COB_BPF_VERBOSE");

	verbose = v && *v && strcmp(v, "0");
	capturing = on;
	if (on)
		last[0] = 0;
	libbpf_set_print(capture_print);
}

const char *bpf_log_reason(void)
{
	return last;
}

uint32_t kernel_dev(dev_t d)
{
	return (uint32_t)(major(d) << 20 | minor(d));
}
