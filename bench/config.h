/* Experiment configs (configs/NAME.conf): INI data parsed with libinih and
 * validated here; never sourced or evaluated.
 *
 *   [experiment]  name, description, function, mode, hook, plots, report
 *   [sweep]       one key per sweep axis (see cob_sweep_params[]) plus
 *                 repetitions and monitors; the axes function and hook
 *                 default to the [experiment] key of the same name
 *   [quick]       overrides of [sweep] keys used with --quick
 *
 * The grid is generic: every entry of cob_sweep_params[] is an axis (a list
 * of values; a single value is an axis of length one), and a sweep point is
 * one element of the cartesian product of all axes. A new swept parameter is
 * one new table row saying how its values are checked and where they go
 * (cob-mkfile / cob-read / cob-hook option, CSV label). */
#ifndef COB_CONFIG_H
#define COB_CONFIG_H
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include "registry.h" /* cob_choice_fn */

#define COB_MAX_VALUES   64  /* values per axis or list */
#define COB_MAX_NAMES    16  /* plots, monitors */
#define COB_NAME_LEN     64
#define COB_DESC_LEN     256
#define COB_VALUE_LEN    32
#define COB_MAX_RUNS     100000 /* points x repetitions */
#define COB_MAX_REPS     1000
#define COB_MAX_BUF      (1ULL << 30) /* 1 GiB */
#define COB_MAX_FILE     (16ULL << 30)
#define COB_MAX_ITERS    10000000ULL
#define COB_CONFIG_MAX_BYTES (1 << 20)

enum cob_ptype {
	COB_PT_COUNT,    /* decimal integer in [min, max] */
	COB_PT_SIZE,     /* integer with optional K/M/G (binary) suffix, in [min, max] */
	COB_PT_FILESIZE, /* 'buf' (same as the point's buf_size) or a size */
	COB_PT_ENUM,     /* one of choices */
};

struct cob_param {
	const char *key;   /* [sweep] key, CSV column and label name */
	const char *show;  /* short name in progress lines */
	enum cob_ptype type;
	uint64_t min, max;
	cob_choice_fn choices; /* COB_PT_ENUM: the registry of the module that implements them */
	const char *dflt;  /* NULL: the key is required */
	/* Where a value goes when a run is launched (NULL: not there). */
	const char *mkfile_opt; /* cob-mkfile option; the data file is made once per distinct set */
	const char *read_opt;   /* cob-read option */
	const char *hook_opt;   /* cob-hook run option */
	int label;              /* passed as cob-hook --label key=value */
	/* Default: the [experiment] key of the same name (function, hook). Such
	 * an axis is a fixed column of summary.csv (function; hook as backend,
	 * the backend that ran) rather than a column of its own, and cob-sweep
	 * passes it to cob-hook itself (--function, --backend). */
	int from_experiment;
	/* A word that means "leave it as it is" (num COB_VALUE_NONE), e.g. cpus
	 * = all, vfs_cache_pressure = keep, mem_limit = none; NULL: none. */
	const char *none_word;
};

/* In loop order: the last axis varies fastest. */
extern const struct cob_param cob_sweep_params[];
extern const size_t cob_sweep_nparams;
/* For usage texts: one line "  KEY  a, b, c" per [sweep] axis with named values
 * (those of [experiment] keys, function and hook, left out). Returns buf. */
const char *cob_sweep_choices_text(char *buf, size_t len);

/* Choices of the [experiment] enums (NULL-terminated). */
extern const char *const cob_functions[];
extern const char *const cob_modes[];
extern const char *const cob_wheres[];
/* cob_functions and cob_modes as choice functions (registry.h). */
const char *cob_function_choice(size_t i);
const char *cob_mode_choice(size_t i);
/* [experiment] report: none, or a report kind of reports.c (its choices and
 * checks, e.g. overhead's: 'none' and another backend in the hook axis). */

/* The reproduce keys of [experiment] (bench/config_reproduce.c): a config with
 * an id joins ./run.sh reproduce and its page. Their choices: */
extern const char *const cob_targets[];      /* target: where it can run */
extern const char *const cob_kernels[];      /* kernel: the guest kernel it needs (vm/kernel.sh) */
extern const char *const cob_headline_stats[]; /* headline_from STAT over the matching rows */
const char *cob_target_choice(size_t i);
const char *cob_kernel_choice(size_t i);
const char *cob_headline_stat_choice(size_t i);
/* headline_unit: the unit the headline is shown in, and the factor from the
 * CSV's (ns for times, fractions for rates). */
struct cob_unit {
	const char *name;
	double factor;
	const char *help;
};
extern const struct cob_unit cob_headline_units[];
const char *cob_headline_unit_choice(size_t i);

#define COB_ID_LEN 16
struct cob_reproduce {
	char id[COB_ID_LEN];          /* E1.. (empty: not part of reproduce) */
	char title[COB_DESC_LEN];
	char thesis[COB_DESC_LEN];    /* what the thesis found */
	char target[COB_VALUE_LEN];   /* host, vm, both (default) */
	char kernel[COB_VALUE_LEN];   /* the guest kernel it needs (default thesis) */
	char headline[COB_DESC_LEN];  /* the figure compared with the thesis */
	char headline_thesis[COB_DESC_LEN];
	char headline_from[COB_DESC_LEN]; /* "FILE.csv COLUMN STAT [KEY=VALUE ...]" */
	char headline_unit[COB_VALUE_LEN];
	char run[COB_NAME_LEN];       /* "sweep" (default) or "bench NAME": see config_reproduce.c */
};
/* The config is a sweep's (run = sweep): it has a grid. Otherwise it only
 * describes an experiment that another run.sh command makes. */
int cob_reproduce_is_sweep(const struct cob_reproduce *r);
/* the none_word of a param */
#define COB_VALUE_NONE (UINT64_MAX - 1)

/* file_size = buf */
#define COB_FILESIZE_BUF UINT64_MAX

struct cob_value {
	char text[COB_VALUE_LEN]; /* canonical: sizes in bytes ("4096"), enum names, "buf" */
	uint64_t num;             /* numeric value (0 for enums, COB_FILESIZE_BUF for 'buf') */
};

struct cob_axis {
	const struct cob_param *param;
	size_t n;
	struct cob_value v[COB_MAX_VALUES];
};

struct cob_config {
	char *path;  /* as given */
	char *text;  /* full file text */
	int quick;   /* [quick] overrides applied */
	char name[COB_NAME_LEN];
	char description[COB_DESC_LEN];
	char function[COB_VALUE_LEN];
	char mode[COB_VALUE_LEN];
	char hook[COB_VALUE_LEN];
	char report[COB_VALUE_LEN];
	struct cob_reproduce repro; /* [experiment] reproduce keys */
	size_t nplots;
	char plots[COB_MAX_NAMES][COB_NAME_LEN];
	size_t nmonitors;
	char monitors[COB_MAX_NAMES][COB_NAME_LEN];
	unsigned repetitions;
	size_t naxes; /* == cob_sweep_nparams, same order */
	struct cob_axis *axes;
};

/* Read and validate PATH. On error returns -1 and writes one line without a
 * trailing newline to err: "PATH:LINE: reason" or "PATH: reason". */
int cob_config_load(struct cob_config *c, const char *path, int quick, char *err, size_t errlen);
/* Same over TEXT; NAME stands for the file in messages. */
int cob_config_parse(struct cob_config *c, const char *text, const char *name, int quick,
		     char *err, size_t errlen);
void cob_config_free(struct cob_config *c);

/* Command-line overrides of [experiment] hook / mode / function (validated).
 * hook and function replace their axis with that one value; with report =
 * overhead, hook keeps the baseline: the axis becomes none,VALUE. */
int cob_config_override(struct cob_config *c, const char *key, const char *value,
			char *err, size_t errlen);
/* Remove value i of axis KEY (e.g. a hook backend that cannot attach here).
 * Returns 0, or -1 when there is no such axis or value, or it is the last. */
int cob_config_drop(struct cob_config *c, const char *key, size_t i);

/* Parse a size with the workloads' grammar (parse_size in filegen.h: digits
 * with an optional K, M or G, binary, any case, optionally followed by iB or
 * B). Returns 0, or -1 with *why set to a static reason. */
int cob_parse_size(const char *s, uint64_t *out, const char **why);
/* Shortest exact rendering: 4096 -> "4K", 1073741824 -> "1G", 1000 -> "1000". */
const char *cob_format_size(uint64_t v, char *buf, size_t len);

/* The grid. */
size_t cob_config_points(const struct cob_config *c);
/* Point idx (0 <= idx < points) -> one value index per axis (sel[naxes]). */
void cob_config_point(const struct cob_config *c, size_t idx, size_t *sel);
/* The inverse: SEL -> point index. */
size_t cob_config_index(const struct cob_config *c, const size_t *sel);
/* Axis index of KEY, or -1. */
int cob_config_axis(const struct cob_config *c, const char *key);
/* Value of axis KEY at the point SEL, or NULL when there is no such axis. */
const struct cob_value *cob_config_value(const struct cob_config *c, const size_t *sel,
					 const char *key);

/* The [experiment] keys as KEY=VALUE lines (values are one line each), for
 * run.sh reproduce: name, description, mode, hook, plots (space separated),
 * then the reproduce keys. */
void cob_config_describe(const struct cob_config *c, FILE *f);

#endif
