# shellcheck shell=bash
# shellcheck disable=SC2154 # H, out, rel: set by tests/guest/backends.sh, which sources this
# E2-E10 and E16 in override mode, where the thesis kernel allows it: each
# config's [quick] grid through cob-sweep --mode override (the host suite runs
# the same configs observing: experiments.bats, storage.bats). Per config: the
# sweep completes, meta.json and every row say override, and each read's
# status is what its access method allows:
#   read, pread, readv   ok: the hook replaced the copy with its result, and
#                        that result equals the workload's own over the bytes
#   mmap-shared/private  no_syscall: page faults, no copyout to override
#   direct               copied: O_DIRECT reads bypass the page cache's copy
# The graphs of these CSVs are drawn on the host (no gnuplot in the guest),
# by the plot scripts the host suite checks. About 140 s of TCG time; thesis
# kernel only (Debian's runs the fmod_ret override in fr.sh; thesis-int3's
# kprobe override fails by design, E17).

# exp_statuses READS_CSV: "N bad of M" over the rows whose status or match is
# not what the access method allows, or whose mode is not override
exp_statuses() {
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
		{
			m++
			a = $h["access"]
			want = a ~ /^mmap-/ ? "no_syscall" : a == "direct" ? "copied" : "ok"
			if ($h["mode"] != "override" || $h["status"] != want || (want == "ok" && $h["match"] != 1)) {
				bad++
				if (bad <= 3) why = why sprintf(" [%s %s: %s match=%s]", a, $h["cache"], $h["status"], $h["match"])
			}
			seen[a] = 1
		}
		END { for (a in seen) list = list " " a; printf "%d bad of %d rows (access:%s)%s\n", bad, m, list, why }' "$1"
}

# exp_readahead DIR: E5's readahead monitor (cob-readahead here) against what
# the hints must do: readahead(2), fadvise WILLNEED and madvise WILLNEED
# evict the file and read all of it ahead before every read, so each run
# reads ahead at least iterations x file_size / 4 KiB pages
exp_readahead() {
	local r
	if r=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
		$h["what"] == "readahead_pages" && $h["cache"] ~ /^(readahead|fadvise-willneed|madvise-willneed)$/ {
			want = $h["iterations"] * $h["file_size"] / 4096
			if (!($h["cache"] in seen)) n++
			seen[$h["cache"]] = 1
			if ($h["count"] < want) { bad = bad sprintf(" %s: %d < %d", $h["cache"], $h["count"], want) }
			else ok = ok sprintf(" %s %d", $h["cache"], $h["count"])
		}
		END { if (n != 3 || bad != "") { print (n != 3 ? "rows for " n " of the 3 hints;" : "") bad; exit 1 } print ok }' "$1/readahead.csv"); then
		pass "experiments: readahead: the hints that read the file ahead did, pages per run:$r"
	else
		fail "experiments: readahead: pages read ahead per run:$r"
	fi
}

exp_sweeps() {
	local c dir t0 r
	for c in bufsize cachestate ordering readahead mmap storage cpus pressure bigread iostat; do
		dir=$out/exp-$c t0=$SECONDS
		rm -rf "$dir"
		if ! COB_ROOT=/cob "$H/cob-sweep" --config "/cob/configs/$c.conf" --quick --mode override \
			--out "$dir" >"$out/exp-$c.log" 2>&1; then
			fail "experiments: $c --quick --mode override failed: $(tail -n 3 "$out/exp-$c.log" | tr '\n' ' ')"
			continue
		fi
		[ "$c" = readahead ] && exp_readahead "$dir"
		r=$(exp_statuses "$dir/reads.csv")
		if [ "${r%% *}" = 0 ] && [ "$(jq -r .mode "$dir/meta.json")" = override ] &&
			[ -s "$dir/summary.csv" ] && [ -s "$dir/plots.txt" ]; then
			pass "experiments: $c in override mode: $r, $((SECONDS - t0)) s"
		else
			fail "experiments: $c in override mode: $r; meta mode $(jq -r .mode "$dir/meta.json")"
		fi
	done
}

section experiments
case "$rel" in
*-cob-thesis) exp_sweeps ;;
*) note "experiments: E2-E10/E16 override sweeps run on the thesis kernel" ;;
esac
