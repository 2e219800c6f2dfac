/* cob-sweep's command line: options, usage text, where the programs are. */
#include "backend.h" /* hook_backend_choice */
#include "sweep.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The names come from the registries (loaders/backends.c, bench/config.c's
 * axes). */
static const char usage_text[] =
	"usage: cob-sweep --config FILE --out DIR [options]\n"
	"Run the sweep of an experiment config and write DIR/reads.csv, DIR/summary.csv,\n"
	"DIR/MONITOR.csv (e.g. iostat.csv), DIR/plots.txt (the config's plots) and DIR/meta.json.\n"
	"\n"
	"  --config FILE   experiment config (configs/NAME.conf), INI data\n"
	"  --out DIR       results directory (created if missing; removed again if\n"
	"                  cob-sweep created it and the sweep does not complete)\n"
	"  --quick         use the config's [quick] overrides (a reduced grid)\n"
	"  --hook B        run this one hook backend (%s)\n"
	"                  instead of the config's hook axis; with report = overhead\n"
	"                  the baseline none runs too\n"
	"  --mode M        override [experiment] mode (observe, override)\n"
	"  --where W       host, guest-tcg or guest-kvm (default: env COB_WHERE, else host)\n"
	"  --bin DIR       where cob-hook, cob-read and cob-mkfile are (default: the\n"
	"                  directory of this program)\n"
	"  --workdir DIR   make the work directory copyout-bench-PID (data files, parts)\n"
	"                  inside DIR (default /var/tmp); it is removed at exit\n"
	"  --command STR   the command to record in meta.json (e.g. the ./run.sh line)\n"
	"  --resume        continue the sweep whose state is in DIR (--out; left by a\n"
	"                  cob-sweep that was killed, or whose parent died): its complete\n"
	"                  runs are kept, the rows of an unfinished run dropped, the rest\n"
	"                  run; the config and options must be those of that sweep (exit 2\n"
	"                  if not). A resumed sweep that fails keeps DIR resumable\n"
	"  --parent PID    our parent (e.g. ./run.sh): when it dies, stop, remove the work\n"
	"                  directory and keep DIR resumable (default: the parent at start)\n"
	"  --check         only validate: config, options, programs, monitors; write nothing\n"
	"                  (attaches nothing)\n"
	"  --check-hook    only ask cob-hook whether the config's hook backends attach here\n"
	"                  (exit 0: at least one besides none does, or the axis is just\n"
	"                  none; 3: no)\n"
	"  --describe      only print the config's [experiment] keys as KEY=VALUE lines\n"
	"                  (name, description, mode, hook, plots, and the reproduce keys\n"
	"                  id, title, thesis, target, kernel, headline*: see ./run.sh\n"
	"                  reproduce --help); validates the config like --check\n"
	"  --help          this text\n"
	"\n"
	"Axes with named values ([sweep] KEY = one of them, or a comma list):\n"
	"%s"
	"\n"
	"The hook axis ([sweep] hook = none,tp-read,... or [experiment] hook) is probed\n"
	"first with `cob-hook can`: a backend that cannot attach here is skipped with\n"
	"one line 'NAME: skipping BACKEND: reason'; if none is left, exit 3.\n"
	"With report = overhead, DIR/overhead.csv gets each backend's extra ns per read\n"
	"against none (difference of means with Welch's 95 %% CI, difference of\n"
	"medians, per-read latencies pooled over the repetitions), also printed as a table.\n"
	"The storage axis is probed the same way ('NAME: skipping storage S: reason');\n"
	"a storage is set up (in a mount namespace of our own) when a run first needs\n"
	"it and removed at the end. Conditions set around each run: cpus = N|all\n"
	"(affinity), vfs_cache_pressure = N|keep (restored at the end), mem_limit =\n"
	"SIZE|none (a memory cgroup of our own, v2 or v1).\n"
	"Monitors are found in $COB_ROOT/bench/monitors, else BIN/../../bench/monitors.\n"
	"Children die with cob-sweep, even of SIGKILL (PDEATHSIG, and a guard process\n"
	"that kills their process groups, undoes mounts, devices, sysctls and cgroups\n"
	"and removes the work directory).\n"
	"Exit: 0 done, 1 failure, 2 bad usage or config, 3 hook backend, storage or\n"
	"condition not available,\n"
	"130 sweep_interrupted (SIGINT), 143 terminated (SIGTERM), 129 (SIGHUP).\n";

void sweep_print_usage(FILE *f)
{
	char list[256], axes[1024];

	fprintf(f, usage_text, cob_choice_join(hook_backend_choice, ", ", list, sizeof(list)),
		cob_sweep_choices_text(axes, sizeof(axes)));
}

void sweep_usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see --help)\n");
	exit(2);
}


void sweep_parse_args(struct sweep *s, int argc, char **argv)
{
	enum { O_CONFIG = 1, O_OUT, O_QUICK, O_HOOK, O_MODE, O_WHERE, O_BIN, O_WORKDIR, O_COMMAND,
	       O_CHECK, O_CHECK_HOOK, O_DESCRIBE, O_RESUME, O_PARENT, O_HELP };
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, O_CONFIG },
		{ "out", required_argument, NULL, O_OUT },
		{ "quick", no_argument, NULL, O_QUICK },
		{ "hook", required_argument, NULL, O_HOOK },
		{ "mode", required_argument, NULL, O_MODE },
		{ "where", required_argument, NULL, O_WHERE },
		{ "bin", required_argument, NULL, O_BIN },
		{ "workdir", required_argument, NULL, O_WORKDIR },
		{ "command", required_argument, NULL, O_COMMAND },
		{ "check", no_argument, NULL, O_CHECK },
		{ "check-hook", no_argument, NULL, O_CHECK_HOOK },
		{ "describe", no_argument, NULL, O_DESCRIBE },
		{ "resume", no_argument, NULL, O_RESUME },
		{ "parent", required_argument, NULL, O_PARENT },
		{ "help", no_argument, NULL, O_HELP },
		{ 0 },
	};
	int o;

	opterr = 0;
	while ((o = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		switch (o) {
		case O_CONFIG: s->opt.config = optarg; break;
		case O_OUT: s->opt.out = optarg; break;
		case O_QUICK: s->opt.quick = 1; break;
		case O_HOOK: s->opt.hook = optarg; break;
		case O_MODE: s->opt.mode = optarg; break;
		case O_WHERE: s->opt.where = optarg; break;
		case O_BIN: s->opt.bin = optarg; break;
		case O_WORKDIR: s->opt.workdir = optarg; break;
		case O_COMMAND: s->opt.command = optarg; break;
		case O_CHECK: s->opt.check = 1; break;
		case O_CHECK_HOOK: s->opt.check_hook = 1; break;
		case O_DESCRIBE: s->opt.describe = 1; break;
		case O_RESUME: s->opt.resume = 1; break;
		case O_PARENT: {
			char *end;
			long v = strtol(optarg, &end, 10);

			if (*end || v <= 0 || v > INT_MAX)
				sweep_usage_error("--parent needs a pid: '%s'", optarg);
			s->opt.parent = (pid_t)v;
			break;
		}
		case O_HELP:
			sweep_print_usage(stdout);
			exit(0);
		case ':':
			sweep_usage_error("%s needs a value", argv[optind - 1]);
		default:
			sweep_usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		sweep_usage_error("unexpected argument '%s'", argv[optind]);
	if (!s->opt.config)
		sweep_usage_error("--config FILE is required");
	if (!s->opt.out && !s->opt.check && !s->opt.check_hook && !s->opt.describe)
		sweep_usage_error("--out DIR is required");
	if (s->opt.out && !*s->opt.out)
		sweep_usage_error("--out needs a directory");
	if (s->opt.workdir && !*s->opt.workdir)
		sweep_usage_error("--workdir needs a directory");
}

static int in_list(const char *const *list, const char *v)
{
	for (; *list; list++)
		if (!strcmp(*list, v))
			return 1;
	return 0;
}

/* --where, else env COB_WHERE, else host; one of cob_wheres. */
void sweep_resolve_where(struct sweep *s)
{
	const char *env = getenv("COB_WHERE");

	if (!s->opt.where)
		s->opt.where = env && *env ? env : "host";
	if (!in_list(cob_wheres, s->opt.where))
		sweep_usage_error("--where: '%s' is not one of host, guest-tcg, guest-kvm", s->opt.where);
}

/* --bin, else this program's directory; the programs a run needs are there. */
void sweep_resolve_bin(struct sweep *s, const char *argv0)
{
	static char dir[PATH_MAX];
	static const char *const need[] = { "cob-hook", "cob-read", "cob-mkfile" };
	ssize_t n;

	if (!s->opt.bin) {
		n = readlink("/proc/self/exe", dir, sizeof(dir) - 1);
		if (n > 0)
			dir[n] = '\0';
		else
			snprintf(dir, sizeof(dir), "%s", argv0);
		if (strrchr(dir, '/'))
			*strrchr(dir, '/') = '\0';
		else
			snprintf(dir, sizeof(dir), ".");
		s->opt.bin = dir;
	}
	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		char *p = sweep_path(s, s->opt.bin, need[i]);

		if (access(p, X_OK))
			sweep_fail(s, 1, "%s: %s (build with make, or give --bin DIR)", p, strerror(errno));
		free(p);
	}
}
