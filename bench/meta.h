/* meta.json: what a reader of a results directory needs to trust it:
 * kernel, CPU, command line, config (path and full text), git revision
 * (env COB_GIT_REV), where it ran (env COB_WHERE, default "host"), guest
 * kernel (env COB_GUEST_KERNEL), start and end time, tool versions. */
#ifndef COB_META_H
#define COB_META_H
#include <jansson.h>

/* A new meta object with the environment and the start time filled in.
 * NULL on out of memory. */
json_t *cob_meta_new(int argc, char *const argv[]);
/* Config path (as given and resolved) and its full text. */
void cob_meta_set_config(json_t *m, const char *path, const char *text);
void cob_meta_set_where(json_t *m, const char *where);
/* "command" is the program's own argv joined by spaces ("argv" keeps the
 * array); a caller such as ./run.sh can record the command a person typed. */
void cob_meta_set_command(json_t *m, const char *command);
/* tools.NAME = VERSION (e.g. the first line of `iostat -V`). */
void cob_meta_set_tool(json_t *m, const char *name, const char *version);
/* Record the end time and write M to PATH atomically (PATH.tmp + rename).
 * -1 with errno on error. */
int cob_meta_write(json_t *m, const char *path);

/* Helpers, also used by the tests. */
/* "YYYY-MM-DDTHH:MM:SSZ" of a unix time. */
const char *cob_utc_iso(long long epoch_s, char *buf, size_t len);
/* First "model name" of a /proc/cpuinfo-style file and its processor count;
 * model is "" when absent. Returns -1 when the file cannot be read. */
int cob_cpuinfo(const char *path, char *model, size_t len, int *count);

#endif
