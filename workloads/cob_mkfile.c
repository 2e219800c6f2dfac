/* cob-mkfile: write a reproducible known (ASCII integers) or random file of
 * an exact size, atomically (temporary file + rename). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "filegen.h"

static void usage(FILE *f)
{
	char kinds[128];

	fprintf(f,
		"usage: cob-mkfile --kind %s --size SIZE --out PATH [--width W] [--seed S]\n"
		"       cob-mkfile --threshold FF [--width W]\n"
		"  --kind      what the file holds:\n",
		cob_choice_join(filegen_kind_choice, "|", kinds, sizeof(kinds)));
	cob_choice_usage(f, filegen_kind_choice, filegen_kind_help, NULL);
	fprintf(f,
		"  --size      exact file size in bytes (suffixes K, M, G are binary)\n"
		"  --width     bytes per record of a known file incl. newline (%d..%d, default %d)\n"
		"  --seed      PRNG seed (default 1)\n"
		"  --threshold print the filter threshold that drops FF %% (0..100) of a known file's numbers\n",
		FILEGEN_MIN_WIDTH, FILEGEN_MAX_WIDTH, FILEGEN_DEFAULT_WIDTH);
}

static int die(const char *msg, const char *arg)
{
	fprintf(stderr, "cob-mkfile: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
	return 2;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kind", required_argument, 0, 'k' }, { "size", required_argument, 0, 's' },
		{ "out", required_argument, 0, 'o' },  { "width", required_argument, 0, 'w' },
		{ "seed", required_argument, 0, 'S' }, { "threshold", required_argument, 0, 't' },
		{ "help", no_argument, 0, 'h' },       { 0, 0, 0, 0 },
	};
	enum filegen_kind kind = FILEGEN_KNOWN;
	const char *out = NULL, *kind_s = NULL;
	uint64_t size = 0, width = FILEGEN_DEFAULT_WIDTH, seed = 1;
	long ff = -1;
	int have_size = 0, c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'k': kind_s = optarg; break;
		case 's':
			if (parse_size(optarg, &size))
				return die("bad --size", optarg);
			have_size = 1;
			break;
		case 'o': out = optarg; break;
		case 'w':
			if (parse_size(optarg, &width))
				return die("bad --width", optarg);
			break;
		case 'S':
			if (parse_size(optarg, &seed))
				return die("bad --seed", optarg);
			break;
		case 't': {
			char *end;

			ff = strtol(optarg, &end, 10);
			if (*end || ff < 0 || ff > 100)
				return die("--threshold takes a percentage 0..100", optarg);
			break;
		}
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc)
		return die("unexpected argument", argv[optind]);
	if (width < FILEGEN_MIN_WIDTH || width > FILEGEN_MAX_WIDTH)
		return die("--width out of range", NULL);
	if (ff >= 0) {
		printf("%llu\n", (unsigned long long)filegen_threshold((unsigned)width, (unsigned)ff));
		return 0;
	}
	if (!kind_s || filegen_kind_parse(kind_s, &kind)) {
		char why[512], kinds[256];

		if (kind_s)
			return die(cob_choice_error(filegen_kind_choice, "--kind", kind_s, why, sizeof(why)), NULL);
		snprintf(why, sizeof(why), "--kind is required (one of %s)",
			 cob_choice_join(filegen_kind_choice, ", ", kinds, sizeof(kinds)));
		return die(why, NULL);
	}
	if (!have_size || !out)
		return die("--size and --out are required", NULL);

	struct filegen g;
	char *tmp;
	size_t blk = 1 << 20;
	unsigned char *buf = malloc(blk);

	filegen_init(&g, kind, (unsigned)width, seed);
	if (!buf || asprintf(&tmp, "%s.tmp.XXXXXX", out) < 0)
		return die("out of memory", NULL);
	int fd = mkstemp(tmp);

	if (fd < 0)
		return die(strerror(errno), out);
	for (uint64_t done = 0; done < size;) {
		size_t n = size - done < blk ? (size_t)(size - done) : blk;

		filegen_fill(&g, buf, n, size);
		for (size_t w = 0; w < n;) {
			ssize_t r = write(fd, buf + w, n - w);

			if (r < 0) {
				int e = errno;

				unlink(tmp);
				return die(strerror(e), out);
			}
			w += (size_t)r;
		}
		done += n;
	}
	if (fchmod(fd, 0644) || fsync(fd) || close(fd) || rename(tmp, out)) {
		int e = errno;

		unlink(tmp);
		return die(strerror(e), out);
	}
	free(buf);
	free(tmp);
	return 0;
}
