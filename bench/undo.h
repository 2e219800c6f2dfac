/* Undo actions: what a sweep changed outside its work directory (mounts,
 * devices, modules, sysctls, cgroups), one line each, undone in reverse
 * order by cob-sweep's cleanup and, if cob-sweep dies without cleaning up
 * (SIGKILL), by its guard. One line is one action:
 *   u PATH        unmount PATH (retried while busy, then detached)
 *   z N           remove zram device N (/sys/class/zram-control/hot_remove)
 *   m NAME        remove kernel module NAME (delete_module)
 *   w PATH VALUE  write VALUE back into PATH (a sysctl)
 *   c PATH        remove the cgroup directory PATH (retried while it has tasks)
 * The same code runs in both, so a SIGKILL leaves what a clean exit does. */
#ifndef COB_UNDO_H
#define COB_UNDO_H
#include <stddef.h>

#define UNDO_MAX 32
#define UNDO_LINE 4200 /* an action with a path (PATH_MAX) and a value */

struct undo_list {
	char *line[UNDO_MAX];
	size_t n;
};

/* Write VALUE into the (sysfs, proc, cgroup) file PATH: 0, or -1 (errno).
 * The changes and their undoing are made with the same call. */
int write_text(const char *path, const char *value);
/* Append an action (copied). -1 when the list is full or out of memory. */
int undo_push(struct undo_list *u, const char *line);
/* Run one action; 0 done, -1 failed (a reason on stderr when loud). */
int undo_run(const char *line, int loud);
/* Run every action, last first, and empty the list. */
void undo_all(struct undo_list *u, int loud);

#endif
