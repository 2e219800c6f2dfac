#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include "sysctl_guard.h"

/* The guard writes any file that holds an integer: a temporary file stands in
 * for /proc/sys/... */
static char path[64];

static void make_file(const char *text)
{
	int fd;
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/cob-sysctl-XXXXXX");
	fd = mkstemp(path);
	cr_assert(fd >= 0);
	close(fd);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
}

/* poll up to 5 s for the file to hold v */
static int becomes(int v)
{
	for (int i = 0; i < 500; i++) {
		if (sysctl_read_int(path) == v)
			return 1;
		usleep(10000);
	}
	return 0;
}

Test(sysctl_guard, sets_and_restores)
{
	struct sysctl_guard g = SYSCTL_GUARD_INIT(path, "cob-test-guard");
	char note[300];

	make_file("5\n");
	cr_assert_eq(sysctl_guard_set(&g, 1, note, sizeof(note)), 0, "%s", note);
	cr_assert_eq(sysctl_read_int(path), 1);
	cr_assert_eq(sysctl_guard_set(&g, 1, note, sizeof(note)), 0, "a second set is a no-op");
	sysctl_guard_restore(&g);
	cr_assert_eq(sysctl_read_int(path), 5);
	unlink(path);
}

Test(sysctl_guard, restores_after_sigkill_of_its_owner)
{
	pid_t owner;
	int st;

	make_file("7\n");
	owner = fork();
	cr_assert(owner >= 0);
	if (owner == 0) {
		struct sysctl_guard g = SYSCTL_GUARD_INIT(path, "cob-test-guard");
		char note[300];

		if (sysctl_guard_set(&g, 0, note, sizeof(note)))
			_exit(3);
		pause(); /* killed here, holding the value at 0 */
		_exit(4);
	}
	cr_assert(becomes(0), "the owner set it");
	kill(owner, SIGKILL);
	waitpid(owner, &st, 0);
	cr_assert(WIFSIGNALED(st));
	cr_assert(becomes(7), "the guard wrote the old value back: %d", sysctl_read_int(path));
	unlink(path);
}

Test(sysctl_guard, absent_file_is_a_reason)
{
	struct sysctl_guard g = SYSCTL_GUARD_INIT("/nonexistent/cob-sysctl", "cob-test-guard");
	char note[300] = "";

	cr_assert_eq(sysctl_guard_set(&g, 1, note, sizeof(note)), -1);
	cr_assert(strstr(note, "/nonexistent/cob-sysctl"), "note: %s", note);
	cr_assert_eq(g.pipe, -1);
}
