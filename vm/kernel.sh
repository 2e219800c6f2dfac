#!/usr/bin/env bash
# copyout-bench: guest kernels (Debian's stock kernel, the patched "thesis" kernel).
# Run as `./run.sh kernel ...` or `bash vm/kernel.sh ...`; see usage() below.
set -euo pipefail
# a failing step inside $(...) (a build called for its output) stops the build too
shopt -s inherit_errexit

# shellcheck disable=SC2034 # used by bench/lib.sh
PROG="kernel"
ROOT=${ROOT:-${COB_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}}
# shellcheck source=bench/lib.sh disable=SC1091
. "$ROOT/bench/lib.sh"
CACHE=${COB_CACHE:-/var/cache/copyout-bench}
KCACHE="$CACHE/kernels"
FRAGMENT=${COB_KERNEL_FRAGMENT:-$ROOT/configs/kernel/thesis.config}
PATCH=${COB_KERNEL_PATCH:-$ROOT/configs/kernel/copyout-error-injection.patch}
KSRC_TARBALL=${COB_KERNEL_SRC:-/usr/src/linux-source-6.1.tar.xz}
KSRC_PKG=linux-source-6.1
# Bump when the build procedure below changes in a way that alters the result.
THESIS_RECIPE=1
# The int3 flavor: the thesis tree with the patch's lib/Makefile hunk reverted
# and LOCALVERSION extended, re-made incrementally. Bump when that step changes.
THESIS_INT3_RECIPE=1
INT3_SUFFIX=-int3

usage() {
	cat <<EOF
usage: run.sh kernel <command> [args]

Guest kernels for './run.sh vm'. Everything is cached outside the clone in
\${COB_CACHE:-/var/cache/copyout-bench}/kernels ($KCACHE).

commands:
  fetch debian          download Debian's current linux-image-*-amd64 (the package
                        linux-image-amd64 depends on) with apt-get, unpack it, run
                        depmod; cached by package name + version
  build thesis          build the thesis kernel from $KSRC_PKG
                        (tinyconfig + configs/kernel/thesis.config +
                        configs/kernel/copyout-error-injection.patch); fails listing
                        any fragment option Kconfig dropped; 5-10 min on 2 cores,
                        cached by hash of source version + fragment + patch;
                        then, from the same tree, the thesis-int3 flavor
  build thesis-int3     the same build (it needs the thesis tree): thesis-int3 is
                        thesis with the patch's lib/Makefile hunk reverted
                        (lib/iov_iter.o without ftrace flags: the copyout kprobe
                        is int3-based and can be jump-optimized), re-made
                        incrementally; release suffix -cob-thesis$INT3_SUFFIX
  path debian|thesis|thesis-int3|PATH
                        print the bzImage path (fetching/building it if missing)
  info debian|thesis|thesis-int3|PATH
                        print key=value lines: name, bzimage, release, config,
                        modules (a modules tree or empty), cached dir
  list                  list cached kernels
  check-config [FRAGMENT] CONFIG
                        the check 'build thesis' does after olddefconfig: list the
                        options of FRAGMENT (default configs/kernel/thesis.config)
                        that CONFIG does not have; exit 1 if any

Run 'run.sh kernel <command> --help' for details. Exit status: 0 ok, 1 failure,
2 bad usage.
environment: COB_CACHE (cache root), COB_KERNEL_SRC (source tarball),
             COB_KERNEL_FRAGMENT, COB_KERNEL_PATCH (other fragment/patch; part of
             the cache key), COB_KEEP_BUILD=1 (keep the thesis build tree)
EOF
}


TMPDIRS=()
cleanup() {
	local d
	for d in "${TMPDIRS[@]}"; do
		[ -n "$d" ] && rm -rf "$d"
	done
	return 0
}
on_exit cleanup
# Traps are reset in $(...) subshells, so functions that make temp dirs re-arm them.
arm_traps() {
	trap cob_run_on_exit EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}
arm_traps

need() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || die 1 "missing tool '$c' (run.sh installs the packages it needs)"
	done
}

# Print the version string embedded in a bzImage (setup header kernel_version
# pointer at 0x20e, relative to 0x200) as its release, e.g. 6.1.0-26-amd64.
bzimage_release() {
	local img=$1 off
	off=$(od -An -t u2 -j $((0x20e)) -N 2 "$img" 2>/dev/null | tr -d ' ')
	[ -n "$off" ] && [ "$off" -gt 0 ] || return 1
	dd if="$img" bs=1 skip=$((off + 0x200)) count=256 2>/dev/null | tr '\0' '\n' | head -n1 | awk '{print $1}'
}

# Extract the uncompressed vmlinux (ELF) from a bzImage into OUT: find the
# payload by its compression magic and decompress it (trailing bytes ignored).
extract_vmlinux() {
	local img=$1 out=$2 magic tool off tmp="$2.tmp.$$"
	for magic in 'xz:\xfd7zXZ\x00' 'gzip:\x1f\x8b\x08' 'zstd:\x28\xb5\x2f\xfd'; do
		tool=${magic%%:*}
		command -v "$tool" >/dev/null || continue
		for off in $(LC_ALL=C grep -obUaP "${magic#*:}" "$img" 2>/dev/null | cut -d: -f1 | head -n 5); do
			tail -c +$((off + 1)) "$img" | "$tool" -dc 2>/dev/null >"$tmp" || true
			if [ "$(head -c 4 "$tmp" 2>/dev/null | od -An -c | tr -d ' ')" = "177ELF" ]; then
				mv "$tmp" "$out" # atomic: concurrent extractions all produce the same file
				return 0
			fi
		done
	done
	rm -f "$tmp"
	return 1
}

# What qemu should boot for a cached kernel dir: its uncompressed vmlinux when
# the kernel has the PVH entry point (qemu then skips the decompressor, which
# costs seconds under TCG: 4-5 s for Debian's xz kernel), else the bzImage.
boot_image() {
	local d=$1
	if [ "${COB_VM_BOOT:-}" != bzimage ] && grep -qx 'CONFIG_PVH=y' "$d/config" 2>/dev/null; then
		if [ -s "$d/vmlinux" ] || extract_vmlinux "$d/bzImage" "$d/vmlinux"; then
			echo "$d/vmlinux"
			return 0
		fi
		log "note: cannot extract vmlinux from $d/bzImage; booting the bzImage"
	fi
	readlink -f "$d/bzImage"
}

# ---------------------------------------------------------------- debian ---

# Resolve the real image package and its candidate version: "NAME VERSION".
# apt-cache takes seconds, so the answer is remembered until apt's package
# lists change (apt-get update rewrites /var/lib/apt/lists).
debian_resolve() {
	local pkg ver memo="$KCACHE/.debian-resolved" lists=/var/lib/apt/lists
	if [ -s "$memo" ] && [ -d "$lists" ] && [ "$memo" -nt "$lists" ]; then
		cat "$memo"
		return 0
	fi
	pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}') || true
	if [ -z "$pkg" ]; then
		log "apt has no linux-image-amd64; running apt-get update"
		apt-get update -qq >&2 || true
		pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}') || true
	fi
	[ -n "$pkg" ] || return 1
	ver=$(apt-cache policy "$pkg" 2>/dev/null | awk '/Candidate:/ {print $2; exit}')
	[ -n "$ver" ] && [ "$ver" != "(none)" ] || return 1
	if mkdir -p "$KCACHE" && echo "$pkg $ver" >"$memo.$$"; then mv "$memo.$$" "$memo"; fi
	echo "$pkg $ver"
}

debian_dir_for() { echo "$KCACHE/debian-$1_$2"; }

# The cached Debian kernel dir, without network if possible. Falls back to the
# newest cached one when apt cannot resolve the package (offline).
debian_cached_dir() {
	local r d
	if r=$(debian_resolve); then
		# shellcheck disable=SC2086
		d=$(debian_dir_for $r)
		[ -f "$d/.complete" ] && { echo "$d"; return 0; }
		return 1
	fi
	d=$(find "$KCACHE" -maxdepth 1 -name 'debian-*' -type d 2>/dev/null | sort -V | tail -n1)
	if [ -n "$d" ] && [ -f "$d/.complete" ]; then
		log "apt cannot resolve linux-image-amd64; using cached $(basename "$d")"
		echo "$d"
		return 0
	fi
	return 1
}

fetch_debian_usage() {
	cat <<EOF
usage: run.sh kernel fetch debian

Resolves the package linux-image-amd64 depends on (apt-cache depends), downloads
it with 'apt-get download', unpacks it with 'dpkg-deb -x', runs 'depmod -b' on
its modules (the package ships no modules.dep) and caches it in
$KCACHE/debian-<package>_<version>. Prints the cached dir. Does nothing when
that version is already cached.
EOF
}

fetch_debian() {
	need apt-get apt-cache dpkg-deb depmod flock
	local r pkg ver dir tmp deb rel
	r=$(debian_resolve) || die 1 "cannot resolve the package linux-image-amd64 depends on (apt-get update? network?)"
	pkg=${r% *}; ver=${r#* }
	dir=$(debian_dir_for "$pkg" "$ver")
	mkdir -p "$KCACHE"
	exec 9>"$KCACHE/.lock-debian"
	flock 9
	if [ -f "$dir/.complete" ]; then
		log "cached: $pkg $ver"
		echo "$dir"
		return 0
	fi
	log "fetching $pkg $ver"
	arm_traps
	tmp=$(mktemp -d "$KCACHE/.fetch-debian.XXXXXX")
	chmod 755 "$tmp"
	TMPDIRS+=("$tmp")
	(cd "$tmp" && apt-get -o APT::Sandbox::User=root download -q "$pkg=$ver" >&2) || {
		log "apt-get download failed; running apt-get update and retrying"
		apt-get update -qq >&2 || true
		(cd "$tmp" && apt-get -o APT::Sandbox::User=root download -q "$pkg=$ver" >&2) || die 1 "apt-get download $pkg=$ver failed"
	}
	deb=$(find "$tmp" -maxdepth 1 -name '*.deb' | head -n1)
	[ -n "$deb" ] || die 1 "apt-get download produced no .deb"
	mkdir -p "$tmp/root"
	dpkg-deb -x "$deb" "$tmp/root"
	rm -f "$deb"
	rel=$(find "$tmp/root/boot" -maxdepth 1 -name 'vmlinuz-*' | head -n1)
	[ -n "$rel" ] || die 1 "$pkg has no /boot/vmlinuz-*"
	rel=${rel##*/vmlinuz-}
	[ -d "$tmp/root/lib/modules/$rel" ] || die 1 "$pkg has no lib/modules/$rel"
	depmod -b "$tmp/root" "$rel" || die 1 "depmod failed for $rel"
	ln -s "root/boot/vmlinuz-$rel" "$tmp/bzImage"
	ln -s "root/boot/config-$rel" "$tmp/config"
	echo "$rel" >"$tmp/release"
	printf '%s %s\n' "$pkg" "$ver" >"$tmp/package"
	touch "$tmp/.complete"
	rm -rf "$dir"
	mv "$tmp" "$dir"
	log "cached $pkg $ver (release $rel) in $dir"
	# keep this one and the previous one (about 400 MB each)
	find "$KCACHE" -maxdepth 1 -name 'debian-*' -type d -printf '%T@ %p\n' | sort -rn | tail -n +3 |
		cut -d' ' -f2- | while IFS= read -r old; do rm -rf "$old"; done
	echo "$dir"
}

# ---------------------------------------------------------------- thesis ---

# The options a fragment sets, in order: CONFIG_X=... and "# CONFIG_X is not set".
fragment_options() {
	grep -E '^(CONFIG_[A-Za-z0-9_]+=|# CONFIG_[A-Za-z0-9_]+ is not set)' "$1" | sed 's/[[:space:]]*$//'
}

thesis_key() {
	local srcver
	[ -f "$KSRC_TARBALL" ] || die 1 "kernel source $KSRC_TARBALL missing (apt-get install $KSRC_PKG)"
	[ -f "$FRAGMENT" ] || die 1 "config fragment $FRAGMENT missing"
	[ -f "$PATCH" ] || die 1 "patch $PATCH missing"
	if [ "$KSRC_TARBALL" = /usr/src/linux-source-6.1.tar.xz ] &&
		srcver=$(dpkg-query -W -f '${Version}' "$KSRC_PKG" 2>/dev/null) && [ -n "$srcver" ]; then
		srcver="$KSRC_PKG $srcver"
	else
		srcver="sha256 $(sha256sum <"$KSRC_TARBALL" | cut -d' ' -f1)"
	fi
	{
		echo "recipe $THESIS_RECIPE"
		echo "source $srcver"
		# only what Kconfig reads: comments and blank lines do not rebuild the kernel
		echo "fragment $(fragment_options "$FRAGMENT" | sha256sum | cut -d' ' -f1)"
		echo "patch $(sha256sum <"$PATCH" | cut -d' ' -f1)"
	} | sha256sum | cut -c1-16
}

# (the key by assignment: a $(...) inside echo's arguments would hide a failure)
thesis_dir() {
	local k
	k=$(thesis_key)
	echo "$KCACHE/thesis-$k"
}

thesis_int3_key() {
	local k
	k=$(thesis_key) || return 1
	printf 'int3 recipe %s\nthesis %s\n' "$THESIS_INT3_RECIPE" "$k" | sha256sum | cut -c1-16
}

thesis_int3_dir() {
	local k
	k=$(thesis_int3_key)
	echo "$KCACHE/thesis-int3-$k"
}

# The lib/Makefile part of the patch (its ftrace-flags hunk), as a patch of its own.
makefile_hunk() {
	awk '/^--- /{keep = ($2 ~ /(^|\/)lib\/Makefile$/)} keep' "$1"
}

# Every option the fragment sets must be in .config with the same value;
# "# CONFIG_X is not set" must not be set. Prints the dropped ones.
check_fragment() {
	local frag=$1 cfg=$2 line opt got missing=()
	while IFS= read -r line || [ -n "$line" ]; do
		case "$line" in
		CONFIG_*=*)
			grep -qxF -- "$line" "$cfg" || {
				opt=${line%%=*}
				got=$(grep -E "^(# )?${opt}[= ]" "$cfg" | head -n1 || true)
				missing+=("$line (got: ${got:-nothing: unknown or dependencies off})")
			}
			;;
		"# CONFIG_"*" is not set")
			opt=${line#"# "}; opt=${opt%" is not set"}
			if grep -q "^$opt=" "$cfg"; then
				missing+=("$line (got: $(grep "^$opt=" "$cfg"))")
			fi
			;;
		esac
	done <"$frag"
	if [ "${#missing[@]}" -gt 0 ]; then
		printf '  %s\n' "${missing[@]}"
		return 1
	fi
}

# Run make, logging everything to $1 and printing one progress line every
# ~15 s (build steps done, elapsed). On failure print the log's tail.
# (A bash read loop, not awk: mawk block-buffers its input from a pipe.)
make_with_progress() {
	local logf=$1; shift
	local start=$SECONDS last=$SECONDS n=0 line rc
	set +e
	make "$@" 2>&1 | tee "$logf" | {
		while IFS= read -r line; do
			case "$line" in "  "[A-Z]*) n=$((n + 1)) ;; esac
			if [ $((SECONDS - last)) -ge 15 ]; then
				last=$SECONDS
				echo "[$PROG] building: $n steps done, $((SECONDS - start)) s elapsed" >&2
			fi
		done
		echo "[$PROG] build steps: $n" >&2
	}
	rc=${PIPESTATUS[0]}
	set -e
	if [ "$rc" -ne 0 ]; then
		echo "---- last 40 lines of $logf ----" >&2
		tail -n 40 "$logf" >&2
		return "$rc"
	fi
	log "make done in $((SECONDS - start)) s"
}

build_thesis_usage() {
	cat <<EOF
usage: run.sh kernel build thesis|thesis-int3 [--force]

Builds the thesis kernel (README: Guest kernels) from $KSRC_TARBALL:
  1. unpack, apply configs/kernel/copyout-error-injection.patch
     (copyout noinline + ALLOW_ERROR_INJECTION(copyout, ERRNO); ftrace flags
     back on lib/iov_iter.o)
  2. make tinyconfig; merge_config.sh -m .config configs/kernel/thesis.config;
     make olddefconfig
  3. check every option of the fragment survived; fail listing the dropped ones
  4. make -j\$(nproc) bzImage (5-10 min on 2 cores; progress every 15 s)
  5. thesis-int3, incrementally in the same tree: revert the patch's lib/Makefile
     hunk (lib/iov_iter.o loses its ftrace flags, so the copyout kprobe is
     int3-based and jump-optimizable, as on the thesis's own 5.7 kernel) and
     make bzImage LOCALVERSION=$INT3_SUFFIX again: only lib/iov_iter.o, the
     version files and the link are redone (the seconds it took are logged
     and kept in incremental-seconds)
Result: $KCACHE/thesis-<key>/{bzImage,config,release,System.map,vmlinux.btf,build.log}
with key = hash(source package version, fragment, patch, recipe), and
$KCACHE/thesis-int3-<key2>/ (key2 = hash(key, int3 recipe)). 'build thesis' and
'build thesis-int3' are the same build: it does nothing if both are cached,
unless --force; if only one is missing, the whole tree is built again (the
tree is not kept: COB_KEEP_BUILD=1 keeps it) and the cached one is kept. Needs: $KSRC_PKG bc bison flex
libssl-dev libelf-dev dwarves (pahole, for BTF), gcc, make.
EOF
}

# Copy a built tree's results into OUT and mark it complete.
collect_build() {
	local src=$1 out=$2 rel=$3
	mkdir -p "$out"
	cp "$src/arch/x86/boot/bzImage" "$out/bzImage"
	cp "$src/.config" "$out/config"
	cp "$src/System.map" "$out/System.map"
	# The BTF of the guest kernel, for compiling against it if ever needed.
	objcopy --dump-section .BTF="$out/vmlinux.btf" "$src/vmlinux" /dev/null 2>/dev/null || rm -f "$out/vmlinux.btf"
	echo "$rel" >"$out/release"
	touch "$out/.complete"
}

# Move a finished OUT into the cache as DIR, unless DIR is complete already
# and not forced (a guest may be booting its vmlinux right now).
install_build() {
	local out=$1 dir=$2 force=$3
	if [ -f "$dir/.complete" ] && [ "$force" != 1 ]; then
		rm -rf "$out"
		return 0
	fi
	rm -rf "$dir"
	mv "$out" "$dir"
}

# Builds both flavors from one tree: thesis, then thesis-int3 incrementally.
# Prints the cached dir of FLAVOR (thesis or thesis-int3).
build_thesis() {
	local force=${1:-0} flavor=${2:-thesis}
	need make gcc tar xz patch flock bc bison flex pahole awk
	local dir idir tmp src rel dropped start=$SECONDS istart
	dir=$(thesis_dir)
	idir=$(thesis_int3_dir)
	mkdir -p "$KCACHE"
	exec 8>"$KCACHE/.lock-thesis"
	flock 8
	if [ -f "$dir/.complete" ] && [ -f "$idir/.complete" ] && [ "$force" != 1 ]; then
		log "cached: $dir and $idir"
		if [ "$flavor" = thesis-int3 ]; then echo "$idir"; else echo "$dir"; fi
		return 0
	fi
	[ -n "$(makefile_hunk "$PATCH")" ] || die 1 "patch $PATCH has no lib/Makefile hunk to revert for thesis-int3"
	arm_traps
	tmp=$(mktemp -d "$KCACHE/.build-thesis.XXXXXX")
	chmod 755 "$tmp"
	[ "${COB_KEEP_BUILD:-0}" = 1 ] || TMPDIRS+=("$tmp")
	src="$tmp/src"
	mkdir -p "$src" "$tmp/out" "$tmp/out-int3"
	log "unpacking $KSRC_TARBALL"
	tar -xJf "$KSRC_TARBALL" -C "$src" --strip-components=1
	log "applying $(basename "$PATCH")"
	patch -d "$src" -p1 --forward --quiet <"$PATCH" || die 1 "patch $PATCH does not apply to $KSRC_TARBALL"
	log "configuring: tinyconfig + $(basename "$FRAGMENT")"
	make -C "$src" -s tinyconfig >"$tmp/out/config.log" 2>&1 || { tail -n 20 "$tmp/out/config.log" >&2; die 1 "make tinyconfig failed"; }
	(cd "$src" && scripts/kconfig/merge_config.sh -m .config "$FRAGMENT") >>"$tmp/out/config.log" 2>&1 ||
		{ tail -n 20 "$tmp/out/config.log" >&2; die 1 "merge_config.sh failed"; }
	make -C "$src" -s olddefconfig >>"$tmp/out/config.log" 2>&1 || { tail -n 20 "$tmp/out/config.log" >&2; die 1 "make olddefconfig failed"; }
	if ! dropped=$(check_fragment "$FRAGMENT" "$src/.config"); then
		echo "$PROG: options of $FRAGMENT dropped by Kconfig (missing dependencies?):" >&2
		echo "$dropped" >&2
		cp "$src/.config" "$CACHE/thesis-rejected.config" 2>/dev/null && echo "$PROG: resulting .config saved as $CACHE/thesis-rejected.config" >&2
		exit 1
	fi
	log "config ok: all $(grep -cE '^(CONFIG_|# CONFIG_.* is not set)' "$FRAGMENT") fragment options present"
	log "make -j$(nproc) bzImage (5-10 min on 2 cores; log: $dir/build.log once done)"
	make_with_progress "$tmp/out/build.log" -C "$src" -j"$(nproc)" bzImage || die 1 "kernel build failed (log above)"
	rel=$(make -C "$src" -s kernelrelease)
	collect_build "$src" "$tmp/out" "$rel"
	log "built thesis kernel $rel in $((SECONDS - start)) s"

	# thesis-int3: the same tree without the lib/Makefile hunk. make sees the
	# changed flags of lib/iov_iter.o (its .cmd file) and the new release
	# string (utsrelease.h), and relinks.
	istart=$SECONDS
	log "thesis-int3: reverting the lib/Makefile hunk, make bzImage LOCALVERSION=$INT3_SUFFIX (incremental)"
	makefile_hunk "$PATCH" | patch -d "$src" -p1 -R --quiet || die 1 "cannot revert the lib/Makefile hunk of $PATCH"
	! grep -q '^CFLAGS_iov_iter.o.*CC_FLAGS_FTRACE' "$src/lib/Makefile" || die 1 "lib/Makefile still gives iov_iter.o ftrace flags"
	make_with_progress "$tmp/out-int3/build.log" -C "$src" -j"$(nproc)" LOCALVERSION="$INT3_SUFFIX" bzImage ||
		die 1 "thesis-int3 incremental build failed (log above)"
	rel=$(make -C "$src" -s LOCALVERSION="$INT3_SUFFIX" kernelrelease)
	case "$rel" in *"$INT3_SUFFIX") ;; *) die 1 "thesis-int3 release $rel lacks the suffix $INT3_SUFFIX" ;; esac
	collect_build "$src" "$tmp/out-int3" "$rel"
	echo "$((SECONDS - istart))" >"$tmp/out-int3/incremental-seconds"
	cp "$tmp/out/config.log" "$tmp/out-int3/config.log"
	log "built thesis-int3 kernel $rel incrementally in $((SECONDS - istart)) s"

	install_build "$tmp/out" "$dir" "$force"
	install_build "$tmp/out-int3" "$idir" "$force"
	log "thesis: $dir/bzImage; thesis-int3: $idir/bzImage ($((SECONDS - start)) s in all)"
	if [ "$flavor" = thesis-int3 ]; then echo "$idir"; else echo "$dir"; fi
}

# ------------------------------------------------------------ resolution ---

# Print the cached dir of debian|thesis, fetching/building if needed.
kernel_dir() {
	case "$1" in
	debian) debian_cached_dir || fetch_debian ;;
	thesis | thesis-int3)
		local d
		if [ "$1" = thesis ]; then d=$(thesis_dir); else d=$(thesis_int3_dir); fi
		if [ -f "$d/.complete" ]; then echo "$d"; else build_thesis 0 "$1"; fi
		;;
	*) return 2 ;;
	esac
}

path_usage() {
	cat <<EOF
usage: run.sh kernel path debian|thesis|thesis-int3|PATH

Prints the bzImage of the named kernel, fetching (debian) or building (thesis)
it first when it is not cached. A PATH must be an existing bzImage and is
printed as an absolute path. Progress goes to stderr, only the path to stdout.
EOF
}

info_usage() {
	cat <<EOF
usage: run.sh kernel info debian|thesis|thesis-int3|PATH

Like 'path', but prints key=value lines:
  name=debian|thesis|thesis-int3|custom   bzimage=...   release=...   config=...
  boot=<what qemu boots: the uncompressed vmlinux (extracted once) when the
       kernel has CONFIG_PVH, else the bzImage; COB_VM_BOOT=bzimage forces it>
  modules=<dir holding lib/modules/RELEASE, or empty>   dir=<cache dir>
For a PATH, the release is read from the bzImage header and modules= is the
directory next to it holding lib/modules/RELEASE, else / if
/lib/modules/RELEASE exists, else empty (the kernel then needs 9p built in).
EOF
}

kernel_info() {
	local k=$1 d img rel cfg mods="" name boot
	case "$k" in
	debian | thesis | thesis-int3)
		# fetch or build here, under set -e (in a $(...) with || every
		# failing step of the build would be ignored), then look it up
		kernel_dir "$k" >/dev/null
		d=$(kernel_dir "$k")
		name=$k
		img="$d/bzImage"
		rel=$(cat "$d/release")
		cfg="$d/config"
		[ "$k" = debian ] && mods="$d/root"
		;;
	*)
		[ -f "$k" ] || die 1 "no such kernel image: $k (expected debian, thesis, thesis-int3 or a bzImage path)"
		name=custom
		img=$(cd "$(dirname "$k")" && pwd)/$(basename "$k")
		d=$(dirname "$img")
		rel=$(bzimage_release "$img") || die 1 "$k does not look like a bzImage (no version in its header)"
		cfg=""
		[ -f "$d/config-$rel" ] && cfg="$d/config-$rel"
		[ -f "$d/config" ] && cfg="$d/config"
		if [ -d "$d/lib/modules/$rel" ]; then mods=$d
		elif [ -d "$d/../lib/modules/$rel" ]; then mods=$(cd "$d/.." && pwd)
		elif [ -d "/lib/modules/$rel" ]; then mods=/
		fi
		;;
	esac
	if [ "$name" = custom ]; then boot=$(readlink -f "$img"); else boot=$(boot_image "$d"); fi
	printf 'name=%s\nbzimage=%s\nboot=%s\nrelease=%s\nconfig=%s\nmodules=%s\ndir=%s\n' \
		"$name" "$(readlink -f "$img")" "$boot" "$rel" "$cfg" "$mods" "$d"
}

list_cached() {
	local d
	[ -d "$KCACHE" ] || { log "no kernels cached in $KCACHE"; return 0; }
	for d in "$KCACHE"/debian-* "$KCACHE"/thesis-*; do
		[ -f "$d/.complete" ] || continue
		printf '%s\t%s\t%s\n' "$(basename "$d")" "$(cat "$d/release")" "$(du -sh "$d" | cut -f1)"
	done
}

# ------------------------------------------------------------------ main ---

main() {
	local cmd=${1:-} dropped
	[ $# -gt 0 ] && shift
	case "$cmd" in
	-h | --help | help) usage ;;
	"") usage >&2; exit 2 ;;
	fetch)
		case "${1:-}" in
		-h | --help) fetch_debian_usage ;;
		debian) [ $# -eq 1 ] || usage_err "fetch debian takes no more arguments"; fetch_debian >/dev/null ;;
		thesis | thesis-int3) usage_err "the thesis kernels are built, not fetched: use 'kernel build $1'" ;;
		*) usage_err "fetch: expected 'debian'" ;;
		esac
		;;
	build)
		case "${1:-}" in
		-h | --help) build_thesis_usage ;;
		thesis | thesis-int3)
			local flavor=$1
			shift
			case "${1:-}" in
			"") build_thesis 0 "$flavor" >/dev/null ;;
			--force) build_thesis 1 "$flavor" >/dev/null ;;
			-h | --help) build_thesis_usage ;;
			*) usage_err "build $flavor: unknown option '$1'" ;;
			esac
			;;
		debian) usage_err "Debian's kernel is fetched, not built: use 'kernel fetch debian'" ;;
		*) usage_err "build: expected 'thesis' or 'thesis-int3'" ;;
		esac
		;;
	path)
		case "${1:-}" in
		-h | --help) path_usage ;;
		"") usage_err "path: expected debian, thesis, thesis-int3 or a bzImage path" ;;
		*)
			[ $# -eq 1 ] || usage_err "path takes one argument"
			kernel_info "$1" | sed -n 's/^bzimage=//p'
			;;
		esac
		;;
	info)
		case "${1:-}" in
		-h | --help) info_usage ;;
		"") usage_err "info: expected debian, thesis, thesis-int3 or a bzImage path" ;;
		*) [ $# -eq 1 ] || usage_err "info takes one argument"; kernel_info "$1" ;;
		esac
		;;
	list) list_cached ;;
	check-config)
		case $# in
		1) set -- "$FRAGMENT" "$1" ;;
		2) ;;
		*) usage_err "check-config [FRAGMENT] CONFIG" ;;
		esac
		case "$1" in -h | --help) usage; exit 0 ;; esac
		[ -f "$1" ] || die 1 "no such fragment: $1"
		[ -f "$2" ] || die 1 "no such config: $2"
		if ! dropped=$(check_fragment "$1" "$2"); then
			echo "$PROG: options of $1 missing from $2:" >&2
			echo "$dropped" >&2
			exit 1
		fi
		log "all $(grep -cE '^(CONFIG_|# CONFIG_.* is not set)' "$1") options of $1 are in $2"
		;;
	*) usage_err "unknown command '$cmd'" ;;
	esac
}

main "$@"
