/* Kernel symbols for the feature checks: vmlinux BTF (loaded once and kept
 * until ksyms_forget()) and /proc/kallsyms. */
#ifndef KSYMS_H
#define KSYMS_H
#include <stdbool.h>
#include <stddef.h>

struct btf;
/* vmlinux BTF, or NULL: ksyms_btf_err() says why (an errno). */
struct btf *ksyms_btf(void);
int ksyms_btf_err(void);

/* 1: text symbol `name` in /proc/kallsyms; 0: absent (clone, if any, gets
 * the first "name.suffix" compiler clone); -1: kallsyms unreadable. */
int ksym_lookup(const char *name, char *clone, size_t clen);

/* Is `name` a function here (kallsyms or BTF)? Fills r with the reason when
 * it is not; true when neither source can tell (the trial decides). */
bool ksym_present(const char *name, char *r, size_t len);

/* The kernel's name of the getpgid syscall's entry (__x64_sys_getpgid on
 * x86-64, the arch's own elsewhere): a cheap, error-injectable function for
 * trial attaches and trigger benchmarks. Falls back to __x64_sys_getpgid. */
const char *ksym_getpgid(void);

/* Drop the cached BTF. */
void ksyms_forget(void);

#endif
