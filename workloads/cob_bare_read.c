/* cob-bare-read: the yardstick of `./run.sh bench workload`. The least a
 * program can do to read a file buf bytes at a time: pread64 walking the file
 * (wrapping at EOF), each read timed exactly as cob-read times its reads
 * (CLOCK_MONOTONIC right before and after), nothing else in the loop. Prints
 * one latency in ns per read, one per line, after the loop (the numbers are
 * kept in memory so that no output lands between reads).
 *
 *   cob-bare-read --file PATH --buf SIZE --iterations N */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "clock.h"
#include "filegen.h" /* parse_size */

static int fail(const char *what, const char *arg)
{
	fprintf(stderr, "cob-bare-read: %s%s%s\n", what, arg ? ": " : "", arg ? arg : "");
	return 2;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "file", required_argument, 0, 'f' },	     { "buf", required_argument, 0, 'b' },
		{ "iterations", required_argument, 0, 'n' }, { "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	const char *file = NULL;
	uint64_t bufsize = 0, n = 0, *lat;
	struct stat st;
	void *buf;
	int c, fd;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'f': file = optarg; break;
		case 'b':
			if (parse_size(optarg, &bufsize) || !bufsize || bufsize > (1ull << 30))
				return fail("--buf must be a size from 1 to 1G", optarg);
			break;
		case 'n':
			if (parse_size(optarg, &n) || !n)
				return fail("--iterations must be a positive number", optarg);
			break;
		case 'h':
			printf("usage: cob-bare-read --file PATH --buf SIZE --iterations N\n"
			       "pread64 walking the file (wrapping at EOF), each read timed with CLOCK_MONOTONIC;\n"
			       "prints one latency (ns) per read. The yardstick of ./run.sh bench workload.\n");
			return 0;
		default: return 2;
		}
	}
	if (optind != argc || !file || !bufsize || !n)
		return fail("--file, --buf and --iterations are required (see --help)", NULL);
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st))
		return fail(strerror(errno), file);
	if (!S_ISREG(st.st_mode) || st.st_size <= 0)
		return fail("not a regular file with data", file);
	lat = malloc(n * sizeof(*lat));
	if (!lat || posix_memalign(&buf, 4096, (bufsize + 4095) / 4096 * 4096))
		return fail("out of memory", NULL);

	uint64_t off = 0, fsize = (uint64_t)st.st_size;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t t0 = (uint64_t)cob_now_ns();
		ssize_t r = pread(fd, buf, bufsize, (off_t)off);
		uint64_t t1 = (uint64_t)cob_now_ns();

		if (r <= 0)
			return fail(r < 0 ? strerror(errno) : "unexpected end of file", file);
		lat[i] = t1 - t0;
		off += (uint64_t)r;
		if (off >= fsize)
			off = 0;
	}
	for (uint64_t i = 0; i < n; i++)
		printf("%" PRIu64 "\n", lat[i]);
	return fflush(stdout) ? 1 : 0;
}
