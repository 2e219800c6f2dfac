// SPDX-License-Identifier: GPL-2.0
/* Backend tp-read: observe-only, on the read syscall tracepoints
 * (sys_{enter,exit}_{read,pread64,readv}; readv: its one iovec). The enter
 * tracepoint remembers the user buffer of a target read; the exit tracepoint
 * reads the bytes the kernel copied there (bpf_probe_read_user) and runs the
 * storage function over them. Needs no kprobes or trampolines, so it works on
 * locked-down hosts. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "copyout_hook.h"
#include "filter_reduce.bpf.h"
#include "target_file.bpf.h"
#include "read_track.bpf.h"

char LICENSE[] SEC("license") = "GPL";

READ_TRACK_PROGS(cob_tp, track_exit_user_buf)
