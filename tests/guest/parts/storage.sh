# In-guest checks of the storage backends and conditions (bench/storage.c,
# bench/sweep_conditions.c), sourced by tests/guest/backends.sh. The host has
# no brd and can only observe; here:
#   thesis: one sweep over brd (the built-in ram0, ext2), loop (ext4) and tmpfs
#       with override on kprobe-copyout, vm.vfs_cache_pressure set and a cgroup
#       v2 memory limit: every read overridden (status ok) on every storage, and
#       afterwards no mount, loop binding, sysctl change or cgroup left
#   Debian's kernel (brd a module): storage = brd loads brd for the sweep and
#       removes it again; a kernel that cannot give brd refuses it in one line
#       with exit 3
# shellcheck shell=bash disable=SC2154 # rel, out, W, H: set by backends.sh, which sources this
# About 20 s of TCG time on the thesis kernel, under 2 s elsewhere.
storage_state() { # what a sweep may change here
	awk '$2 ~ /copyout-bench-/ { print $1, $2 }' /proc/mounts
	cat /sys/block/loop*/loop/backing_file 2>/dev/null
	cat /proc/sys/vm/vfs_cache_pressure
	ls -d /sys/fs/cgroup/cob-sweep-* 2>/dev/null
	awk '$1 == "brd" || $1 == "zram" { print "module", $1 }' /proc/modules 2>/dev/null
	return 0
}

storage_part() {
	local dir="$W/storage" conf="$W/storage.conf" before after t0 st
	section "storage: backends and conditions"
	before=$(storage_state)
	case "$rel" in
	*-cob-thesis)
		cat >"$conf" <<-'CONF'
		[experiment]
		name = storage-guest
		description = brd, loop, tmpfs with override
		function = filter-reduce
		mode = override
		hook = kprobe-copyout
		plots = none
		[sweep]
		storage = brd,loop,tmpfs
		cache = drop
		file_kind = known
		file_size = 64K
		buf_size = 4K
		iterations = 16
		reposition = sequential
		vfs_cache_pressure = 500
		mem_limit = 256M
		repetitions = 1
		monitors = none
		CONF
		rm -rf "$dir"
		t0=$SECONDS
		if ! COB_ROOT=/cob "$H/cob-sweep" --config "$conf" --out "$dir" >"$out/storage.log" 2>&1; then
			fail "storage: sweep over brd, loop, tmpfs failed: $(tail -n 3 "$out/storage.log" | tr '\n' ' ')"
			return
		fi
		note "storage: sweep took $((SECONDS - t0)) s: $(grep '^storage ' "$out/storage.log" | tr '\n' ';')"
		if jq -e '.storage.brd.device == "/dev/ram0" and .storage.brd.fs == "ext2" and .storage.loop.fs == "ext4"
			and .storage.tmpfs.fs == "tmpfs" and .conditions.cgroup_version == 2' "$dir/meta.json" >/dev/null; then
			pass "storage: brd (ram0, ext2), loop (ext4) and tmpfs set up; the memory cgroup is v2"
		else
			fail "storage: meta.json: $(jq -c '{storage, conditions}' "$dir/meta.json")"
		fi
		# status of every read, per storage (column names from the header)
		st=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
			{ n[$h["storage"]]++; if ($h["status"] == "ok" && $h["match"] == 1) ok[$h["storage"]]++ }
			END { for (s in n) printf "%s:%d/%d ", s, ok[s], n[s] }' "$dir/reads.csv")
		if [ "$(echo "$st" | tr ' ' '\n' | grep -c ':16/16$')" = 3 ]; then
			pass "storage: every read overridden and matching on each storage ($st)"
		else
			fail "storage: reads ok+match per storage: $st"
		fi
		;;
	*)
		if [ -e /sys/block/ram0 ]; then
			note "storage: this kernel has ram0 already; the thesis kernel's case covers a built-in brd"
			return
		fi
		st=0
		sed 's/^storage = .*/storage = brd/' /cob/configs/storage.conf >"$conf"
		COB_ROOT=/cob "$H/cob-sweep" --config "$conf" --quick --hook none --out "$dir" >"$out/storage.log" 2>&1 || st=$?
		if [ "$st" = 0 ] && jq -e '.storage.brd.device == "/dev/ram0" and .storage.brd.fs == "ext2"' "$dir/meta.json" >/dev/null &&
			[ ! -e /sys/block/ram0 ]; then
			pass "storage: brd loaded for the sweep (ram0, ext2) and removed again"
		elif [ "$st" = 3 ] && [ "$(wc -l <"$out/storage.log")" = 1 ] && [ ! -e "$dir" ] &&
			grep -q "storage 'brd' is not available here: " "$out/storage.log"; then
			pass "storage: no RAM disk here: storage = brd refused in one line, exit 3 ($(cat "$out/storage.log"))"
		else
			fail "storage: storage = brd: exit $st: $(head -c 300 "$out/storage.log")"
		fi
		;;
	esac
	after=$(storage_state)
	if [ "$before" = "$after" ]; then
		pass "storage: no mount, loop device, sysctl change or cgroup left"
	else
		fail "storage: left behind: $(diff <(echo "$before") <(echo "$after") | tr '\n' ';')"
	fi
	rm -rf "$dir" "$conf"
}

case "$rel" in *-cob-thesis-int3) ;; *) storage_part ;; esac
