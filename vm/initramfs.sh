#!/usr/bin/env bash
# copyout-bench: build (or reuse) the guest initramfs for one guest kernel.
# Run as `bash vm/initramfs.sh --help`; vm/vm.sh calls it.
set -euo pipefail

# shellcheck disable=SC2034 # used by bench/lib.sh
PROG="initramfs"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=${ROOT:-${COB_ROOT:-$(cd "$HERE/.." && pwd)}}
# shellcheck source=bench/lib.sh disable=SC1091
. "$ROOT/bench/lib.sh"
BUILD=${BUILD:-${COB_BUILD:-$ROOT/build}}
case "$BUILD" in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
CACHE=${COB_CACHE:-/var/cache/copyout-bench}
ICACHE="$CACHE/initramfs"
BUSYBOX=${COB_BUSYBOX:-/bin/busybox}
BASH_STATIC=${COB_BASH_STATIC:-/bin/bash-static}
# Modules copied into the guest when the kernel has them as modules (missing or
# built-in ones are skipped). The first group is loaded by /init at boot (the 9p
# share); the others are there for `modprobe` (e.g. `modprobe brd rd_size=...`).
BOOT_MODULES="virtio_pci 9pnet_virtio 9p"
EXTRA_MODULES="brd loop ext4 virtio_blk"
# Bump when the layout produced below changes.
LAYOUT_VERSION=3
KEEP_IMAGES=8

usage() {
	cat <<EOF
usage: bash vm/initramfs.sh [--kernel debian|thesis|PATH]
                                  [--release REL --moddir DIR [--config FILE]]
                                  [--modules "m1 m2"] [--force] [--list]

Prints the path of a cpio initramfs for the guest kernel (default thesis),
building it when its inputs changed. Cached in $ICACHE/<hash>.cpio, the hash
covering every input file's content, the module list and this layout. The
archive is not compressed: under TCG the guest's gunzip of it costs ~1 s a
boot, more than reading the larger file costs the host.

Contents:
  /bin/busybox + applet links, /bin/bash (bash-static), /init (vm/init),
  /usr/bin/iostat with its shared libraries (found with ldd), /usr/sbin/mke2fs
      (e2fsprogs: the storages brd, loop, zram format with it),
  /usr/sbin/{cachestat,readahead,biolatency,funclatency} (libbpf-tools) and
      stdbuf with /usr/libexec/coreutils/libstdbuf.so, with their libraries,
  for the doctor suite in the guest (tests/guest/backends.sh): bats, jq, bpftool
      and setpriv (util-linux) with their shared libraries, /cob/tests/bats/
      {doctor.bats,kernel_facts.sh,trial.bpf.c} and the trial objects compiled
      from trial.bpf.c (clang, cached in $ICACHE/trial-bpf-<hash>) in
      /cob/build/trial-bpf/,
  /cob/run.sh, /cob/{bench,configs,plots}/ (no C sources; vm/ is host-only and not copied),
  /cob/build/bin/*, /cob/build/bpf/*  (BUILD=$BUILD),
  /lib/modules/REL/: $BOOT_MODULES $EXTRA_MODULES and \$COB_VM_MODULES
      plus their dependencies (modprobe --show-depends from the kernel's own
      modules tree, decompressed, re-indexed with depmod) when the kernel has
      a modules tree; /etc/cob/modules-boot lists what /init loads,
  /boot/config-REL when the kernel's config is known.

options:
  --kernel K       debian, thesis or a bzImage path (resolved with kernel.sh info)
  --release REL    the kernel release (instead of --kernel, with --moddir)
  --moddir DIR     directory holding lib/modules/REL ('' for none)
  --config FILE    the kernel's .config, copied to /boot/config-REL
  --modules LIST   extra modules (also: COB_VM_MODULES)
  --force          rebuild even if cached
  --list           print the file list of the image instead of building it
environment: COB_CACHE, BUILD, COB_BUSYBOX, COB_BASH_STATIC, COB_VM_MODULES
Exit status: 0 ok, 1 failure, 2 bad usage.
EOF
}


TMPD="" OBJTMP=""
cleanup() {
	[ -z "$TMPD" ] || rm -rf "$TMPD"
	[ -z "$OBJTMP" ] || rm -rf "$OBJTMP"
}
on_exit cleanup
trap 'exit 130' INT
trap 'exit 143' TERM

kernel="" release="" moddir="" config="" have_release=0 force=0 list=0
extra_mods=${COB_VM_MODULES:-}
while [ $# -gt 0 ]; do
	case "$1" in
	-h | --help) usage; exit 0 ;;
	--kernel) [ $# -ge 2 ] || usage_err "--kernel needs a value"; kernel=$2; shift 2 ;;
	--release) [ $# -ge 2 ] || usage_err "--release needs a value"; release=$2; have_release=1; shift 2 ;;
	--moddir) [ $# -ge 2 ] || usage_err "--moddir needs a value"; moddir=$2; shift 2 ;;
	--config) [ $# -ge 2 ] || usage_err "--config needs a value"; config=$2; shift 2 ;;
	--modules) [ $# -ge 2 ] || usage_err "--modules needs a value"; extra_mods="$extra_mods $2"; shift 2 ;;
	--force) force=1; shift ;;
	--list) list=1; shift ;;
	*) usage_err "unknown argument '$1'" ;;
	esac
done
extra_mods=${extra_mods//,/ }

if [ "$have_release" = 0 ]; then
	info=$(bash "$HERE/kernel.sh" info "${kernel:-thesis}") || die 1 "cannot resolve kernel '${kernel:-thesis}'"
	release=$(sed -n 's/^release=//p' <<<"$info")
	moddir=$(sed -n 's/^modules=//p' <<<"$info")
	config=$(sed -n 's/^config=//p' <<<"$info")
elif [ -n "$kernel" ]; then
	usage_err "--kernel and --release are exclusive"
fi
[ -n "$release" ] || die 1 "unknown kernel release"
[ -x "$BUSYBOX" ] || die 1 "no static busybox at $BUSYBOX (apt-get install busybox-static)"
[ -x "$BASH_STATIC" ] || die 1 "no static bash at $BASH_STATIC (apt-get install bash-static)"
for t in cpio sha256sum flock; do
	command -v "$t" >/dev/null || die 1 "missing tool '$t'"
done

# ---------------------------------------------------------------- manifest --
# One entry a line, fields separated by a TAB:
#   f DEST SRC      regular file (mode kept)
#   z DEST SRC      kernel module, decompressed (.ko.xz/.ko.zst/.ko.gz -> .ko)
#   l DEST TARGET   symlink
#   x DEST VAR      executable script: the content of the shell variable VAR
#   t DEST TEXT     small text file (TEXT has no tab/newline; \n written as \\n)
# shellcheck disable=SC2034  # used through ${!VAR} (manifest kind x)
MOUNTPOINT_SH=$(
	cat <<'EOS'
#!/bin/sh
# mountpoint [-q] DIR (guest shim: this busybox has no mountpoint applet)
q=0
[ "$1" = -q ] && { q=1; shift; }
d=$(cd "$1" 2>/dev/null && pwd -P) || { [ $q = 1 ] || echo "mountpoint: $1: not a directory" >&2; exit 1; }
if awk -v d="$d" '$2 == d { f = 1 } END { exit !f }' /proc/mounts; then
	[ $q = 1 ] || echo "$1 is a mountpoint"
	exit 0
fi
[ $q = 1 ] || echo "$1 is not a mountpoint"
exit 32
EOS
)
MANIFEST=()
declare -A IN_MANIFEST=()
add() { # the first entry for a destination wins
	[ -n "${IN_MANIFEST[$2]:-}" ] && return 0
	IN_MANIFEST[$2]=1
	MANIFEST+=("$1	$2	$3")
}
# add_bin PATH: an executable and the shared libraries it needs (ldd), at the same paths
add_bin() {
	local lib
	add f "$1" "$(readlink -f "$1")"
	while IFS= read -r lib; do
		add f "$lib" "$(readlink -f "$lib")"
	done < <(ldd "$1" 2>/dev/null | grep -oE "/[^ ]+" | sort -u)
}

add f /init "$HERE/init"
add f /bin/busybox "$BUSYBOX"
add f /bin/bash "$BASH_STATIC"
while IFS= read -r applet; do
	case "$applet" in "" | */busybox | bin/bash) continue ;; esac
	add l "/$applet" /bin/busybox
done < <("$BUSYBOX" --list-full | sort)

# iostat (sysstat) and the shared libraries it needs, at the same paths.
if iostat_bin=$(command -v iostat); then
	add f /usr/bin/iostat "$iostat_bin"
	add_bin "$iostat_bin"
else
	log "warning: iostat not found (apt-get install sysstat); the guest will have none"
fi

# The libbpf-tools monitors (bench/monitors/libbpf-tools.sh): Debian's CO-RE
# tools at their Debian paths, and coreutils' stdbuf with the library it
# preloads (line-buffered output: the monitor sees when a tool attached).
LIBBPF_TOOLS="cachestat readahead biolatency funclatency"
for t in $LIBBPF_TOOLS; do
	if [ -x "/usr/sbin/$t" ]; then
		add_bin "/usr/sbin/$t"
	else
		log "warning: /usr/sbin/$t not found (apt-get install libbpf-tools); the guest's $t monitor is refused"
	fi
done
if sb=$(command -v stdbuf) && [ -f /usr/libexec/coreutils/libstdbuf.so ]; then
	add_bin "$sb"
	add_bin /usr/libexec/coreutils/libstdbuf.so
else
	log "warning: no stdbuf or libstdbuf.so (coreutils); the guest's libbpf-tools monitors cannot run"
fi

# The doctor suite in the guest (tests/guest/backends.sh runs tests/bats/doctor.bats):
# bats (bash scripts under its root), jq, bpftool and util-linux's setpriv
# (busybox's has no --reuid), and tests/bats/kernel_facts.sh's trial objects.
if bats_bin=$(command -v bats); then
	bats_root=$(dirname "$(dirname "$(readlink -f "$bats_bin")")")
	add f /usr/bin/bats "$(readlink -f "$bats_bin")"
	while IFS= read -r -d '' f; do
		add f "/usr/${f#"$bats_root"/}" "$f"
	done < <(find "$bats_root/lib/bats-core" "$bats_root/libexec/bats-core" -type f -print0 2>/dev/null | sort -z)
else
	log "warning: bats not found (apt-get install bats); the guest cannot run the doctor suite"
fi
# e2fsprogs' mke2fs at /usr/sbin (busybox's /sbin/mke2fs makes only ext2): the
# brd, loop and zram storages (bench/storage.c) format with it.
if [ -x /usr/sbin/mke2fs ]; then
	add_bin /usr/sbin/mke2fs
else
	log "warning: no /usr/sbin/mke2fs (apt-get install e2fsprogs); the guest cannot make brd/loop/zram storage"
fi
for t in jq bpftool setpriv; do
	if tb=$(command -v "$t"); then
		add_bin "$tb"
	else
		log "warning: $t not found; the guest will have none"
	fi
done
for f in doctor.bats kernel_facts.sh trial.bpf.c; do
	if [ -f "$ROOT/tests/bats/$f" ]; then add f "/cob/tests/bats/$f" "$ROOT/tests/bats/$f"; fi
done
if [ -f "$ROOT/tests/bats/kernel_facts.sh" ] && [ -f "$ROOT/tests/bats/trial.bpf.c" ]; then
	# compiled once per version of their sources, cached beside the images
	objkey=$(cat "$ROOT/tests/bats/kernel_facts.sh" "$ROOT/tests/bats/trial.bpf.c" | sha256sum | cut -c1-16)
	objdir=$ICACHE/trial-bpf-$objkey
	if [ ! -d "$objdir" ]; then
		mkdir -p "$ICACHE"
		OBJTMP=$(mktemp -d "$ICACHE/.trial.XXXXXX")
		if bash "$ROOT/tests/bats/kernel_facts.sh" --build "$OBJTMP/o" >&2; then
			mv -T "$OBJTMP/o" "$objdir" 2>/dev/null || [ -d "$objdir" ] || die "cannot store $objdir"
		else
			log "warning: cannot compile the trial objects of tests/bats/kernel_facts.sh; the guest's doctor suite will fail"
		fi
		rm -rf "$OBJTMP"
		OBJTMP=""
	fi
	if [ -d "$objdir" ]; then
		touch "$objdir"
		while IFS= read -r -d '' f; do
			add f "/cob/build/trial-bpf/${f##*/}" "$f"
		done < <(find "$objdir" -maxdepth 1 -type f -name '*.bpf.o' -print0 | sort -z)
	fi
fi

# The repository: run.sh, scripts, configs, plots, prebuilt binaries and BPF objects.
[ -f "$ROOT/run.sh" ] && add f /cob/run.sh "$ROOT/run.sh"
for d in bench configs plots; do
	[ -d "$ROOT/$d" ] || continue
	while IFS= read -r -d '' f; do
		add f "/cob/${f#"$ROOT"/}" "$f"
	done < <(find "$ROOT/$d" -type f ! -name '*.c' ! -name '*.h' ! -name '*.o' \
		! -name '*.pyc' ! -name '*~' -print0 | sort -z)
done
# Only the Makefile's products (cob-NAME, NAME.bpf.o): no *.tmp of a make running now.
nbins=0
for d in bin:'cob-*' bpf:'*.bpf.o'; do
	[ -d "$BUILD/${d%%:*}" ] || continue
	while IFS= read -r -d '' f; do
		case "$f" in *.tmp*) continue ;; esac
		add f "/cob/build/${d%%:*}/${f##*/}" "$f"
		nbins=$((nbins + 1))
	done < <(find "$BUILD/${d%%:*}" -maxdepth 1 -type f -name "${d#*:}" -print0 | sort -z)
done
[ "$nbins" -gt 0 ] || log "warning: nothing in $BUILD/bin or $BUILD/bpf (run make first); the guest has no cob binaries"

[ -n "$config" ] && [ -f "$config" ] && add f "/boot/config-$release" "$(readlink -f "$config")"
# busybox-static here has no `mountpoint` applet; run.sh uses `mountpoint -q`.
if ! "$BUSYBOX" --list | grep -qx mountpoint; then
	add x /bin/mountpoint MOUNTPOINT_SH
fi
add t /etc/passwd 'root:x:0:0:root:/root:/bin/sh\n'
add t /etc/group 'root:x:0:\n'

# Kernel modules and their dependencies, from the kernel's own tree.
boot_mods=()
if [ -n "$moddir" ] && [ -d "$moddir/lib/modules/$release" ]; then
	command -v modprobe >/dev/null || die 1 "missing modprobe (apt-get install kmod)"
	mtree="$moddir/lib/modules/$release"
	[ -f "$mtree/modules.dep" ] || die 1 "$mtree has no modules.dep (run depmod -b $moddir $release)"
	declare -A seen=()
	for m in $BOOT_MODULES $EXTRA_MODULES $extra_mods; do
		if ! deps=$(modprobe --show-depends -d "$moddir" -S "$release" "$m" 2>/dev/null); then
			log "warning: module $m not found for $release; skipped"
			continue
		fi
		case " $BOOT_MODULES " in *" $m "*) boot_mods+=("$m") ;; esac
		while read -r kind path _; do
			[ "$kind" = insmod ] || continue
			[ -n "${seen[$path]:-}" ] && continue
			seen[$path]=1
			rel=${path#"$mtree"/}
			case "$rel" in *.ko.xz | *.ko.gz) rel=${rel%.*} ;; *.ko.zst) rel=${rel%.zst} ;; esac
			add z "/lib/modules/$release/$rel" "$path"
		done <<<"$deps"
	done
	for f in modules.builtin modules.builtin.modinfo modules.order; do
		[ -f "$mtree/$f" ] && add f "/lib/modules/$release/$f" "$mtree/$f"
	done
fi
add t /etc/cob/modules-boot "${boot_mods[*]:-}\n"
add t /etc/cob/kernel-release "$release\n"

if [ "$list" = 1 ]; then
	printf '%s\n' "${MANIFEST[@]}" | cut -f1,2 | tr '\t' ' '
	exit 0
fi

# -------------------------------------------------------------------- hash --
# The key is the content of every input (files and their modes), so an image
# is reused only for the same bytes.
inputs_hash() {
	{
		echo "layout $LAYOUT_VERSION"
		sha256sum "${BASH_SOURCE[0]}" | cut -d' ' -f1
		printf '%s\n' "${MANIFEST[@]}"
		printf '%s\n' "${MANIFEST[@]}" | awk -F'\t' '$1=="f"||$1=="z" {print $3}' |
			tr '\n' '\0' | xargs -0 -r sha256sum | cut -d' ' -f1
		printf '%s\n' "${MANIFEST[@]}" | awk -F'\t' '$1=="f"||$1=="z" {print $3}' |
			tr '\n' '\0' | xargs -0 -r stat -c '%a'
	} | sha256sum | cut -c1-16
}
hash=$(inputs_hash)
out="$ICACHE/$hash.cpio"
if [ -f "$out" ] && [ "$force" = 0 ]; then
	touch "$out"
	echo "$out"
	exit 0
fi
# Another run building this very image now (the guest suite and a test
# booting the same kernel at once): wait for it and take its image rather than
# build it twice.
mkdir -p "$ICACHE"
exec {lockfd}>"$ICACHE/.lock-$hash"
flock "$lockfd"
if [ -f "$out" ] && [ "$force" = 0 ]; then
	touch "$out"
	echo "$out"
	exit 0
fi

# ------------------------------------------------------------------- build --
mkdir -p "$ICACHE"
TMPD=$(mktemp -d "$ICACHE/.build.XXXXXX")
st="$TMPD/root"
mkdir -p "$st"
for d in bin sbin usr/bin usr/sbin etc proc sys dev tmp run mnt root var/tmp cob lib/modules; do
	mkdir -p "$st/$d"
done
chmod 1777 "$st/tmp" "$st/var/tmp"
for e in "${MANIFEST[@]}"; do
	IFS=$'\t' read -r kind dest src <<<"$e"
	mkdir -p "$st$(dirname "$dest")"
	case "$kind" in
	f) cp -p "$src" "$st$dest" ;;
	l) ln -sf "$src" "$st$dest" ;;
	t) printf '%b' "$src" >"$st$dest" ;;
	x) printf '%s\n' "${!src}" >"$st$dest" && chmod 755 "$st$dest" ;;
	z)
		case "$src" in
		*.xz) xz -dc "$src" >"$st$dest" ;;
		*.zst) zstd -qdc "$src" >"$st$dest" ;;
		*.gz) gzip -dc "$src" >"$st$dest" ;;
		*) cp "$src" "$st$dest" ;;
		esac
		;;
	esac
done
chmod 755 "$st/init"
if [ -d "$st/lib/modules/$release" ] && [ -n "$(find "$st/lib/modules/$release" -name '*.ko' -print -quit)" ]; then
	depmod -b "$st" "$release" || die 1 "depmod failed in the initramfs tree"
fi
(cd "$st" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) >"$TMPD/img.cpio"
# An input rewritten while it was copied (a `make` in the same tree) would file
# other bytes under this key, for every later run with the old ones: refuse.
[ "$(inputs_hash)" = "$hash" ] ||
	die 1 "the initramfs inputs changed while it was built (is a make running in $BUILD?); run again"
mv "$TMPD/img.cpio" "$out"
log "built $out ($(du -h "$out" | cut -f1), ${#MANIFEST[@]} entries, kernel $release)"
# Keep only the most recent images, the locks of a day ago or more, and the
# trial objects of the latest versions of tests/bats/kernel_facts.sh. Best
# effort: a build beside this one may be pruning the same files (find then
# fails on one that went), and this image is built all the same.
{
	find "$ICACHE" -maxdepth 1 -name '*.cpio*' -printf '%T@ %p\n' 2>/dev/null | sort -rn | tail -n +$((KEEP_IMAGES + 1)) |
		cut -d' ' -f2- | while IFS= read -r old; do rm -f "$old"; done
	find "$ICACHE" -maxdepth 1 -name '.lock-*' -mmin +1440 -delete 2>/dev/null
	find "$ICACHE" -maxdepth 1 -name 'trial-bpf-*' -printf '%T@ %p\n' 2>/dev/null | sort -rn | tail -n +5 |
		cut -d' ' -f2- | while IFS= read -r old; do rm -rf "$old"; done
} || true
echo "$out"
