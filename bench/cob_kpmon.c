/* cob-kpmon: the state of the kprobe on one kernel function, sampled every
 * millisecond (the `kprobes` monitor, bench/monitors/kprobes).
 *
 *   cob-kpmon [--symbol copyout] [--interval-us 1000] OUTFILE
 *   cob-kpmon --header
 *
 * Writes the header at once, then one row per change of state and one when it
 * stops (SIGTERM, SIGINT, SIGHUP): t_ns (CLOCK_MONOTONIC, the clock of the
 * reads' t_start_ns), event (start, change, stop), symbol, state, flags, sysctl:
 *   state  absent    no kprobe on the symbol (before attach, after detach)
 *          disabled  registered but not armed ([DISABLED], [GONE])
 *          ftrace    ftrace-based kprobe ([FTRACE]): never jump-optimized
 *          int3      int3 kprobe, not (yet) optimized
 *          optimized [OPTIMIZED]: the kernel sets this flag when it queues the
 *                    probe for the optimizer (at arming), not when the jump is in;
 *                    the reads' flag COB_EV_KPROBE_JMP (bpf/copyout_hook.h) says when
 *          unknown   /sys/kernel/debug/kprobes/list unreadable
 *   sysctl debug.kprobes-optimization (-1: none, no CONFIG_OPTPROBES) */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "clock.h"
#include "kprobe_opt.h"

#define HEADER "t_ns,event,symbol,state,flags,sysctl"

static volatile sig_atomic_t stop;

static void on_sig(int s)
{
	(void)s;
	stop = 1;
}

static const char *state_of(const char *sym, char *flags, size_t len)
{
	int st = kprobe_state(sym, flags, len);

	if (st < 0)
		return "unknown";
	if (st == 0)
		return "absent";
	if (strstr(flags, "DISABLED") || strstr(flags, "GONE"))
		return "disabled";
	if (strstr(flags, "FTRACE"))
		return "ftrace";
	if (strstr(flags, "OPTIMIZED"))
		return "optimized";
	return "int3";
}

static void row(FILE *f, const char *ev, const char *sym, const char *state, const char *flags, int sysctl)
{
	char clean[96];
	size_t j = 0;

	/* flags are "[FTRACE]" and the like: no commas, but be safe */
	for (size_t i = 0; flags[i] && j + 1 < sizeof(clean); i++)
		clean[j++] = flags[i] == ',' ? ';' : flags[i];
	clean[j] = 0;
	fprintf(f, "%lld,%s,%s,%s,%s,%d\n", cob_now_ns(), ev, sym, state, clean, sysctl);
	fflush(f);
}

int main(int argc, char **argv)
{
	const char *sym = "copyout", *out = NULL;
	long us = 1000;
	char flags[96], prev[16] = "";
	struct sigaction sa = { .sa_handler = on_sig };
	FILE *f;
	int sysctl = -2, prev_sysctl = -2;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--header")) {
			puts(HEADER);
			return 0;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			puts("usage: cob-kpmon [--symbol SYM] [--interval-us N] OUTFILE | cob-kpmon --header");
			return 0;
		} else if (!strcmp(argv[i], "--symbol") && i + 1 < argc)
			sym = argv[++i];
		else if (!strcmp(argv[i], "--interval-us") && i + 1 < argc)
			us = atol(argv[++i]);
		else if (argv[i][0] != '-' && !out)
			out = argv[i];
		else {
			fprintf(stderr, "cob-kpmon: bad argument '%s' (see --help)\n", argv[i]);
			return 2;
		}
	}
	if (!out || us <= 0) {
		fprintf(stderr, "usage: cob-kpmon [--symbol SYM] [--interval-us N] OUTFILE | cob-kpmon --header\n");
		return 2;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	f = fopen(out, "w");
	if (!f) {
		perror(out);
		return 1;
	}
	fprintf(f, "%s\n", HEADER);
	fflush(f);
	while (!stop) {
		const char *st = state_of(sym, flags, sizeof(flags));

		sysctl = kprobe_opt_sysctl();
		if (strcmp(st, prev) || sysctl != prev_sysctl) {
			row(f, prev[0] ? "change" : "start", sym, st, flags, sysctl);
			snprintf(prev, sizeof(prev), "%s", st);
			prev_sysctl = sysctl;
		}
		usleep((useconds_t)us);
	}
	row(f, "stop", sym, state_of(sym, flags, sizeof(flags)), flags, kprobe_opt_sysctl());
	return fclose(f) ? 1 : 0;
}
