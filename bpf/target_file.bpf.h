/* Only the target process and the target file are ever acted on: the loader
 * sets these read-only values before load. Device numbers use the kernel's
 * encoding (major << 20 | minor), converted by the loader. */
#ifndef TARGET_FILE_BPF_H
#define TARGET_FILE_BPF_H

const volatile __u32 targ_tgid = 0;
const volatile __u64 targ_ino = 0;
const volatile __u32 targ_dev = 0;

static __always_inline int is_target_task(void)
{
	return (bpf_get_current_pid_tgid() >> 32) == targ_tgid;
}

static __always_inline int is_target_file(struct file *f)
{
	struct inode *inode;

	if (!f)
		return 0;
	inode = BPF_CORE_READ(f, f_inode);
	if (!inode)
		return 0;
	return BPF_CORE_READ(inode, i_ino) == targ_ino && BPF_CORE_READ(inode, i_sb, s_dev) == targ_dev;
}

/* The struct file behind a descriptor of the current task. */
static __always_inline struct file *fd_to_file(int fd)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds;
	struct file *f = NULL;

	if (!fdt || fd < 0 || (unsigned int)fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	fds = BPF_CORE_READ(fdt, fd);
	bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
	return f;
}

#endif
