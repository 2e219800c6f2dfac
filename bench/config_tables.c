/* The config's choice tables: the [experiment] enums and the sweep axes
 * (cob_sweep_params: how each axis's values are checked and where they go).
 * The named values of an axis come from the registry of the module that
 * implements it. See config.h. */
#include "config.h"
#include "access.h"     /* access_choice */
#include "backend.h"    /* hook_backend_choice */
#include "cache.h"      /* cache_choice */
#include "filegen.h"    /* filegen_kind_choice */
#include "reposition.h" /* reposition_choice */
#include "storage.h"    /* storage_choice */

#include <stdio.h>

const char *const cob_functions[] = { "filter-reduce", "null", NULL };
const char *const cob_modes[] = { "observe", "override", NULL };
const char *const cob_wheres[] = { "host", "guest-tcg", "guest-kvm", NULL };

/* The NULL-terminated lists above as choice functions. */
const char *cob_function_choice(size_t i)
{
	return cob_functions[i];
}

const char *cob_mode_choice(size_t i)
{
	return cob_modes[i];
}

/* key, show, type, min, max, choices, default, mkfile, read, hook, label, from_experiment, none_word.
 * hook is last so that it varies fastest: the backends of one point run
 * back to back in every repetition. */
const struct cob_param cob_sweep_params[] = {
	{ "storage", "storage", COB_PT_ENUM, 0, 0, storage_choice, "disk", NULL, NULL, NULL, 1, 0, NULL },
	{ "file_kind", "kind", COB_PT_ENUM, 0, 0, filegen_kind_choice, "known", "--kind", NULL, NULL, 1, 0, NULL },
	{ "file_size", "file", COB_PT_FILESIZE, 1, COB_MAX_FILE, NULL, "buf", "--size", NULL, NULL, 1, 0, NULL },
	{ "cache", "cache", COB_PT_ENUM, 0, 0, cache_choice, "drop", NULL, "--cache", NULL, 1, 0, NULL },
	{ "reposition", "repos", COB_PT_ENUM, 0, 0, reposition_choice, "seek", NULL, "--reposition", NULL, 1, 0, NULL },
	{ "access", "access", COB_PT_ENUM, 0, 0, access_choice, "read", NULL, "--access", NULL, 1, 0, NULL },
	{ "threshold", "threshold", COB_PT_COUNT, 0, UINT64_MAX, NULL, "0", NULL, NULL, "--threshold", 0, 0, NULL },
	{ "buf_size", "buf", COB_PT_SIZE, 1, COB_MAX_BUF, NULL, NULL, NULL, "--buf", NULL, 0, 0, NULL },
	{ "iterations", "iterations", COB_PT_COUNT, 1, COB_MAX_ITERS, NULL, NULL, NULL, "--iterations", NULL, 0, 0, NULL },
	/* conditions the sweep sets around each run (sweep_conditions.c) */
	{ "cpus", "cpus", COB_PT_COUNT, 1, 4096, NULL, "all", NULL, NULL, NULL, 1, 0, "all" },
	{ "vfs_cache_pressure", "vfs_cp", COB_PT_COUNT, 0, 100000, NULL, "keep", NULL, NULL, NULL, 1, 0, "keep" },
	{ "mem_limit", "mem", COB_PT_SIZE, 1 << 20, 1ULL << 40, NULL, "none", NULL, NULL, NULL, 1, 0, "none" },
	{ "function", "fn", COB_PT_ENUM, 0, 0, cob_function_choice, NULL, NULL, NULL, NULL, 0, 1, NULL },
	{ "hook", "hook", COB_PT_ENUM, 0, 0, hook_backend_choice, NULL, NULL, NULL, NULL, 0, 1, NULL },
};
const size_t cob_sweep_nparams = sizeof(cob_sweep_params) / sizeof(cob_sweep_params[0]);

const char *cob_sweep_choices_text(char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t k = 0; k < cob_sweep_nparams && off < len; k++) {
		const struct cob_param *p = &cob_sweep_params[k];
		char list[256];
		int n;

		if (p->type != COB_PT_ENUM || p->from_experiment)
			continue;
		n = snprintf(buf + off, len - off, "  %-12s %s\n", p->key,
			     cob_choice_join(p->choices, ", ", list, sizeof(list)));
		if (n < 0)
			break;
		off += (size_t)n;
	}
	return buf;
}


/* The reproduce keys' choices (config.h, bench/config_reproduce.c). The
 * kernels are the guest kernels vm/kernel.sh builds or fetches
 * (tests/bats/registry.bats: the two lists agree). */
const char *const cob_targets[] = { "host", "vm", "both", NULL };
const char *const cob_kernels[] = { "thesis", "thesis-int3", "debian", NULL };
const char *const cob_headline_stats[] = { "median", "mean", "min", "max", NULL };
const struct cob_unit cob_headline_units[] = {
	{ "ns", 1, "nanoseconds (the CSVs' time unit)" },
	{ "us", 1e-3, "microseconds, from ns" },
	{ "ms", 1e-6, "milliseconds, from ns" },
	{ "%", 100, "percent, from a fraction (success_rate, ok_rate)" },
	{ "x", 1, "a ratio, as it is" },
	{ "count", 1, "a count, as it is" },
	{ NULL, 0, NULL },
};

const char *cob_target_choice(size_t i)
{
	return cob_targets[i];
}

const char *cob_kernel_choice(size_t i)
{
	return cob_kernels[i];
}

const char *cob_headline_stat_choice(size_t i)
{
	return cob_headline_stats[i];
}

const char *cob_headline_unit_choice(size_t i)
{
	return cob_headline_units[i].name;
}
