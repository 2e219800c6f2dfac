#!/usr/bin/env bats
# shellcheck disable=SC2030,SC2031,SC2154 # bats: run sets output/status
# ./run.sh reproduce on this host with a small set of experiments of the test's
# own (--configs): the page is written and renders in headless chromium, every
# experiment appears with its graph or with the reason it was skipped or
# failed, and a broken experiment fails without stopping the others. Needs root.

bats_require_minimum_version 1.5.0

setup() {
	cd "$BATS_TEST_DIRNAME/../.." || return
	[ "$(id -u)" = 0 ] || { echo "needs root"; return 1; }
	export COB_RESULTS="$BATS_TEST_TMPDIR/results"
	C=$BATS_TEST_TMPDIR/configs
	mkdir -p "$C" "$COB_RESULTS"
}

# conf NAME [EXPERIMENT KEY LINES...]: a one-run experiment (one cached-file
# read of 4 KiB, E1's graphs) with the given [experiment] lines
conf() {
	local name=$1
	shift
	{
		printf '[experiment]\nname = %s\ndescription = test %s\nhook = auto\nplots = iterations\n' "$name" "$name"
		printf '%s\n' "$@"
		printf '[sweep]\nbuf_size = 4K\niterations = 2\nfile_size = buf\nfile_kind = known\ncache = none\nrepetitions = 1\n'
		printf '[quick]\niterations = 1\n'
	} >"$C/$name.conf"
}

# the reproduce keys an experiment needs, with id $1
keys() {
	printf '%s\n' "id = $1" "title = title of $1" "thesis = the thesis found $1" "headline = success of $1" \
		"headline_thesis = thesis value $1" "headline_from = summary.csv success_rate min" "headline_unit = %"
}

# section PAGE NAME: the page's text from NAME's heading to the next
section() {
	awk -v id="id=\"$2\"" 'index($0, "<h2 ") && index($0, id) { on = 1; print; next } on && /^<h2/ { exit } on' "$1"
}

@test "reproduce --help, and bad usage is one line and exit 2" {
	run ./run.sh reproduce --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"usage: ./run.sh reproduce"* ]]
	[[ "$output" == *"--only LIST"* ]]
	run --separate-stderr ./run.sh reproduce --target cloud
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"--target must be host, vm or auto"* ]]
	mapfile -t k < <(keys E1)
	conf one "${k[@]}"
	run --separate-stderr ./run.sh reproduce --configs "$C" --only E9
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"no experiment 'E9'"*"E1=one"* ]]
	[ -z "$(ls -A "$COB_RESULTS")" ]
}

@test "reproduce --quick: a page with every experiment, graph or reason; a broken one fails alone" {
	local k
	# E1 fails (its plot script does not exist) and comes first: the others still run
	mapfile -t k < <(keys E1); conf badplot "${k[@]}"
	sed -i 's/^plots = iterations/plots = nosuch/' "$C/badplot.conf"
	mapfile -t k < <(keys E2); conf works "${k[@]}"
	mapfile -t k < <(keys E3); conf guestonly "${k[@]}" "target = vm"
	# E4 does not parse: it fails with the parser's reason
	mapfile -t k < <(keys E4); conf broken "${k[@]}" "colour = red"
	# E5 needs the copyout kprobe: skipped where the probes say it cannot attach
	mapfile -t k < <(keys E5); conf kprobe "${k[@]}"
	sed -i 's/^hook = auto/hook = kprobe-copyout/' "$C/kprobe.conf"
	# E6 is made by a run.sh command that is not a sweep (run = bench NAME): one that fails
	keys E6 | grep -v '^run' >"$C/benchfail.conf.keys"
	{ printf '[experiment]\nname = benchfail\nrun = bench nosuch\n'; cat "$C/benchfail.conf.keys"; } >"$C/benchfail.conf"
	rm "$C/benchfail.conf.keys"
	conf noid # no id: not part of reproduce
	run --separate-stderr ./run.sh reproduce --quick --target host --configs "$C" --out "$COB_RESULTS/r"
	echo "$output$stderr"
	[ "$status" -eq 1 ]
	page=$COB_RESULTS/r/index.html
	[ -f "$page" ]
	# every experiment is in the headline table and has a section; noid is not
	for n in badplot works guestonly broken kprobe benchfail; do
		grep -q "<h2 id=\"$n\">" "$page" || { echo "no section for $n"; return 1; }
	done
	[ "$(grep -c '^<tr class=.*href="#' "$page")" -eq 12 ] # 6 in each of the two tables
	# in id order; the one that does not parse has no id: last
	[ "$(grep -o '^<tr class=[^>]*><td><a href="#[a-z]*"' "$page" | sed 's/.*#//; s/"//' | paste -sd' ')" = "badplot works guestonly kprobe benchfail broken" ]
	[ "$(grep -c noid "$page")" -eq 1 ]
	grep -q 'not part of this page: noid.</p>' "$page"
	# the one that works: its graphs (PNG linking SVG), its headline value, its files
	s=$(section "$page" works)
	[[ "$s" == *'<a href="works/success_vs_iterations.svg"><img src="works/success_vs_iterations.png"'* ]]
	[[ "$s" == *"the thesis found E2"* ]]
	[[ "$s" == *"success of E2: 100 % (min of 1 row)"* ]]
	[[ "$s" == *'href="works/meta.json"'* ]] && [[ "$s" == *'href="works/summary.csv"'* ]]
	[[ "$s" == *"<th>success_rate</th>"* ]]
	[[ "$s" == *"kernel $(uname -r), host"* ]]
	# the reasons
	[[ "$(section "$page" badplot)" == *'class="failed"'*"no plots/nosuch.gp"* ]]
	[[ "$(section "$page" broken)" == *'class="failed"'*"unknown key &#39;colour&#39;"* ||
		"$(section "$page" broken)" == *'class="failed"'*"unknown key 'colour'"* ]]
	[[ "$(section "$page" guestonly)" == *'class="skipped"'*"target = vm"* ]]
	[[ "$(section "$page" benchfail)" == *'class="failed"'*"./run.sh bench exit 2"*"unknown benchmark &#39;nosuch&#39;"* ||
		"$(section "$page" benchfail)" == *'class="failed"'*"./run.sh bench exit 2"*"unknown benchmark 'nosuch'"* ]]
	if build/bin/cob-hook can --backend kprobe-copyout >/dev/null 2>&1; then
		[[ "$(section "$page" kprobe)" == *"<img "* ]]
	else
		[[ "$(section "$page" kprobe)" == *'class="skipped"'*"cannot attach the hook"*"kprobe-copyout"* ]]
	fi
	# the side-by-side table: the thesis's value and this run's
	[[ "$(grep '<td>E2</td>\|>E2</a>' "$page")" == *"thesis value E2"*"100 %"* ]]
	# the summary on stderr names each one's state
	[[ "$stderr" == *"badplot"*"failed"* ]] && [[ "$stderr" == *"works"*"ran"* ]]
	run bash tests/page_check.sh "$page"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "reproduce: only skipped experiments is exit 0 and a page without graphs; an empty --out DIR is filled" {
	mapfile -t k < <(keys E3)
	conf guestonly "${k[@]}" "target = vm"
	mkdir "$COB_RESULTS/s" # made beforehand, empty: the results go into it, not below it
	run ./run.sh reproduce --quick --target host --configs "$C" --only guestonly --out "$COB_RESULTS/s"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$(section "$COB_RESULTS/s/index.html" guestonly)" == *"skipped"* ]]
	[ -z "$(find "$COB_RESULTS" -name '.partial-*')" ]
	run bash tests/page_check.sh --min-images 0 "$COB_RESULTS/s/index.html"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "reproduce --target vm: the experiment runs in the guest kernel its config names, the page is drawn here" {
	mapfile -t k < <(keys E2)
	conf inguest "${k[@]}" "target = vm" "kernel = debian"
	mapfile -t k < <(keys E3)
	conf hostonly "${k[@]}" "target = host"
	run --separate-stderr ./run.sh reproduce --quick --target vm --configs "$C" --out "$COB_RESULTS/v"
	echo "$output$stderr"
	[ "$status" -eq 0 ]
	page=$COB_RESULTS/v/index.html
	[ "$(jq -r .where "$COB_RESULTS/v/inguest/meta.json")" = guest-tcg ]
	s=$(section "$page" inguest)
	[[ "$s" == *'<img src="inguest/success_vs_iterations.png"'* ]]
	[[ "$s" == *"guest, tcg"* ]]
	[[ "$s" == *"kernel $(jq -r .kernel "$COB_RESULTS/v/inguest/meta.json")"* ]]
	[[ "$(grep ">E2</a>" "$page")" == *"<td>debian guest</td>"* ]]
	[[ "$(section "$page" hostonly)" == *'class="skipped"'*"target = host"* ]]
	run bash tests/page_check.sh "$page"
	echo "$output"
	[ "$status" -eq 0 ]
}
