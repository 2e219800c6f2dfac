/* cob-kpopt: set debug.kprobes-optimization and say when, on the reads' clock.
 *
 *   cob-kpopt 0|1    write the value; print "T_BEFORE T_AFTER" (CLOCK_MONOTONIC
 *                    ns just before and just after the write) on stdout
 *
 * Turning the sysctl from 0 to 1 makes the kernel queue every armed kprobe for
 * the optimizer (kernel/kprobes.c: optimize_all_kprobes -> optimize_kprobe ->
 * kick_kprobe_optimizer, OPTIMIZE_DELAY later), the same clock that starts
 * when a probe is armed with the sysctl at 1. The E17 pacing test
 * (tests/guest/parts/e17_pacing.sh) uses it to start that clock while a reader
 * is reading; a shell cannot time the write this closely (in a TCG guest a
 * fork takes tens of ms). It changes a global setting and restores nothing:
 * the caller restores the old value. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "clock.h"
#include "kprobe_opt.h"

int main(int argc, char **argv)
{
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("usage: cob-kpopt 0|1\n"
		       "Writes debug.kprobes-optimization (%s) and prints the CLOCK_MONOTONIC\n"
		       "ns just before and just after the write: \"T_BEFORE T_AFTER\". Restores nothing.\n",
		       KPROBE_OPT_SYSCTL);
		return 0;
	}
	if (argc != 2 || (strcmp(argv[1], "0") && strcmp(argv[1], "1"))) {
		fprintf(stderr, "cob-kpopt: usage: cob-kpopt 0|1 (see --help)\n");
		return 2;
	}
	int fd = open(KPROBE_OPT_SYSCTL, O_WRONLY | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "cob-kpopt: %s: %s\n", KPROBE_OPT_SYSCTL,
			errno == ENOENT ? "no such sysctl (kernel without CONFIG_OPTPROBES)" : strerror(errno));
		return 1;
	}
	long long t0 = cob_now_ns();
	ssize_t w = write(fd, argv[1], 1);
	long long t1 = cob_now_ns();

	if (w != 1 || close(fd)) {
		fprintf(stderr, "cob-kpopt: writing %s: %s\n", KPROBE_OPT_SYSCTL, strerror(errno));
		return 1;
	}
	printf("%lld %lld\n", t0, t1);
	return 0;
}
