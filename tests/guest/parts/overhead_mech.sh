# shellcheck shell=bash
# shellcheck disable=SC2154 # out, rel: set by tests/guest/backends.sh, which sources this
# The overhead report's mechanism / bookkeeping split in this guest, where
# more mechanisms load than on the CI host: the override-gain sweep of
# fr.sh (report = overhead, run before this part) measured the mechanisms in
# its trigger/; every backend row must split its difference of medians into
# them (measured: mechanism + bookkeeping = the difference), or, where the
# trigger run was refused one of its hooks (Debian's 6.1: fmod_ret on
# getpgid), say refused-by-kernel with that mechanism and no figures.

# om_check DIR: the checks on DIR/overhead.csv and DIR/trigger/
om_check() {
	local d=$1 r
	if [ ! -s "$d/overhead.csv" ] || [ ! -s "$d/trigger/trigger.csv" ]; then
		fail "overhead-mech: no overhead.csv or trigger/trigger.csv in $d"
		return
	fi
	# the mechanisms trigger measured and those it says the kernel refused
	local measured refused
	measured=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "mechanism") c = i; next } { print $c }' \
		"$d/trigger/trigger.csv" | sort -u | paste -sd' ')
	refused=$(jq -r '.skipped | keys | join(" ")' "$d/trigger/meta.json")
	# shellcheck disable=SC2016 # awk program
	if r=$(awk -F, -v measured=" $measured " -v refused=" $refused " '
		NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		$c["backend"] == "none" { if ($c["mechanism_ns"] != "" || $c["mechanism_state"] != "") { print "none split"; bad = 1 } next }
		{
			b = $c["backend"]; n = split($c["hooks_per_read"], h, " "); want = "measured"
			if (!n) { print b ": no hooks_per_read"; bad = 1 }
			for (i = n; i >= 1; i--)
				if (index(measured, " " h[i] " ") == 0)
					want = index(refused, " " h[i] " ") ? "refused-by-kernel: " h[i] ": " : "not-measured"
			st = $c["mechanism_state"]; m = $c["mechanism_ns"]; k = $c["bookkeeping_ns"]
			if (want == "measured") {
				d = m + k - $c["overhead_median_ns"]
				if (st != "measured" || m == "" || m <= 0 || d * d > 1) { print b ": " st " " m " + " k " != " $c["overhead_median_ns"]; bad = 1 }
			} else if (index(st, want) != 1 || m != "" || k != "") { print b ": want " want ", got " st " " m " " k; bad = 1 }
			ok = ok " " b ":" (want == "measured" ? m "ns" : "refused")
		}
		END { if (!bad) print "split" ok; exit bad }' "$d/overhead.csv" 2>&1); then
		pass "overhead-mech: $r (trigger measured: $measured; refused: ${refused:-nothing})"
	else
		fail "overhead-mech: $(echo "$r" | tr '\n' ';')"
	fi
}

section overhead-mech
case "$rel" in
*-cob-thesis-int3) note "overhead-mech: not on thesis-int3 (fr.sh runs no override-gain there)" ;;
*) om_check "$out/fr-og" ;;
esac
