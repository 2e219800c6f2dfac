/* Kernel symbols. See ksyms.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/btf.h>

#include "ksyms.h"

static struct btf *vmlinux_btf;
static int vmlinux_btf_err;

struct btf *ksyms_btf(void)
{
	if (!vmlinux_btf && !vmlinux_btf_err) {
		vmlinux_btf = btf__load_vmlinux_btf();
		if (!vmlinux_btf)
			vmlinux_btf_err = errno ? errno : ENOENT;
	}
	return vmlinux_btf;
}

int ksyms_btf_err(void)
{
	return vmlinux_btf_err;
}

static bool btf_has_func(const char *name)
{
	struct btf *btf = ksyms_btf();

	return btf && btf__find_by_name_kind(btf, name, BTF_KIND_FUNC) > 0;
}

int ksym_lookup(const char *name, char *clone, size_t clen)
{
	char line[512], sym[256];
	char type;
	size_t nlen = strlen(name);
	int found = 0;
	FILE *f = fopen("/proc/kallsyms", "r");

	if (clone && clen)
		clone[0] = '\0';
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*s %c %255s", &type, sym) != 2)
			continue;
		if (type != 't' && type != 'T')
			continue;
		if (!strcmp(sym, name)) {
			found = 1;
			break;
		}
		if (clone && clen && !clone[0] && !strncmp(sym, name, nlen) && sym[nlen] == '.')
			snprintf(clone, clen, "%.*s", (int)(clen - 1), sym);
	}
	fclose(f);
	return found;
}

bool ksym_present(const char *name, char *r, size_t len)
{
	char clone[128];
	int k = ksym_lookup(name, clone, sizeof(clone));
	bool b = btf_has_func(name);

	if (k == 1 || b)
		return true;
	if (k < 0 && !ksyms_btf())
		return true; /* cannot tell: let the trial decide */
	if (clone[0])
		snprintf(r, len, "no symbol %s in /proc/kallsyms or BTF (only the compiler clone %s)", name,
			 clone);
	else
		snprintf(r, len, "no symbol %s in /proc/kallsyms or BTF (inlined or absent)", name);
	return false;
}

void ksyms_forget(void)
{
	btf__free(vmlinux_btf);
	vmlinux_btf = NULL;
	vmlinux_btf_err = 0;
}

const char *ksym_getpgid(void)
{
	static const char *const cands[] = { "__x64_sys_getpgid", "__arm64_sys_getpgid",
					     "__se_sys_getpgid", "sys_getpgid", NULL };
	for (int i = 0; cands[i]; i++)
		if (ksym_lookup(cands[i], NULL, 0) == 1)
			return cands[i];
	return "__x64_sys_getpgid";
}
