# shellcheck shell=bash
# shellcheck disable=SC2154 # H, out, rel: set by tests/guest/backends.sh, which sources this
# E14 override-gain and E15 filter-reduce in this guest kernel: each config's
# smallest point through cob-sweep, its CSVs checked by ../fr_checks.awk (the
# host suite tests/bats/experiments_fr.bats uses the same checks).
#   E14: every override backend this kernel has (thesis: kprobe-copyout,
#        fmodret-copyout, fmodret-permission; Debian: fmodret-permission) on
#        one 4 KiB page, 3 reads, against none (the plain read). Not on
#        thesis-int3, whose kprobe override fails by design (E17).
#   E15: none, tp-read and fexit-read at 4 KiB, thresholds 0 and 100000,
#        2 reads x 2 repetitions: BPF results match, the time split adds up.

# fr_smallest NAME LINES...: /cob/configs/NAME.conf with its [quick] grid replaced
fr_smallest() {
	local f=$out/fr-$1.conf
	awk '/^\[quick\]/ { skip = 1; next } /^\[/ { skip = 0 } !skip' "/cob/configs/$1.conf" >"$f"
	printf '[quick]\n' >>"$f"
	printf '%s\n' "${@:2}" >>"$f"
	echo "$f"
}

# fr_sweep NAME DIR CHECK-ARGS...: the sweep, then the checks; one pass or fail each
fr_sweep() {
	local name=$1 dir=$2 t0=$SECONDS conf r
	shift 2
	conf=$(fr_smallest "$name" "${FR_GRID[@]}")
	rm -rf "$dir"
	if ! COB_ROOT=/cob "$H/cob-sweep" --config "$conf" --quick --out "$dir" >"$out/fr-$name.log" 2>&1; then
		fail "fr-exp: $name sweep failed: $(tail -n 3 "$out/fr-$name.log" | tr '\n' ' ')"
		return
	fi
	note "fr-exp: $name smallest point took $((SECONDS - t0)) s"
	# the graphs (and E15's table, which they derive) are drawn on the host
	[ "$name" = filter-reduce ] && awk -f /cob/plots/filter-reduce.awk "$dir/reads.csv" >"$dir/filter_reduce.csv"
	if r=$(awk -f /cob/tests/guest/fr_checks.awk "$@" 2>&1); then
		pass "fr-exp: $name: ${r##*$'\n'}"
	else
		fail "fr-exp: $name: $(echo "$r" | tr '\n' ';')"
	fi
}

section fr-exp
case "$rel" in
*-cob-thesis-int3) note "fr-exp: E14/E15 not run on thesis-int3 (its kprobe override fails by design: E17)" ;;
*)
	FR_GRID=("buf_size = 4K" "iterations = 3" "repetitions = 1")
	fr_sweep override-gain "$out/fr-og" -v experiment=override-gain "$out/fr-og/reads.csv" "$out/fr-og/overhead.csv"
	case "$rel" in *-cob-thesis)
		for b in kprobe-copyout fmodret-copyout fmodret-permission; do
			if grep -q "^override-gain,.*,$b,filter-reduce,4096," "$out/fr-og/overhead.csv" 2>/dev/null; then
				pass "fr-exp: override-gain has $b against none"
			else fail "fr-exp: override-gain: no $b row in overhead.csv"; fi
		done ;;
	esac
	FR_GRID=("threshold = 0,100000" "buf_size = 4K" "iterations = 2" "repetitions = 2")
	fr_sweep filter-reduce "$out/fr-fr" -v experiment=filter-reduce -v reps=2 -v iters=2 \
		"$out/fr-fr/reads.csv" "$out/fr-fr/filter_reduce.csv"
	;;
esac
