#!/usr/bin/env bats
# The HTML report pieces (bench/html.sh) and the page check (tests/page_check.sh)
# that the reproduce and nightly reports are tested with: a page built from the
# pieces renders in headless chromium, and broken pages are caught.

setup() {
	cd "$BATS_TEST_DIRNAME/../.." || return
	ROOT=$PWD
	D=$(mktemp -d)
	# shellcheck source=bench/html.sh
	. "$ROOT/bench/html.sh"
	gnuplot -e "set terminal pngcairo size 200,100; set output '$D/g.png'; plot x" 2>/dev/null ||
		gnuplot -e "set terminal png size 200,100; set output '$D/g.png'; plot x"
	gnuplot -e "set terminal svg size 200,100; set output '$D/g.svg'; plot x"
}

teardown() { rm -rf "$D"; }

@test "html: a CSV with quoted fields becomes an escaped table, long ones are cut" {
	printf 'a,b\n1,"x, <y>"\n2,"say ""hi"""\n3,z\n' >"$D/t.csv"
	run html_csv_table "$D/t.csv" 2
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"<th>a</th><th>b</th>"* ]]
	[[ "$output" == *"<td>x, &lt;y&gt;</td>"* ]]
	[[ "$output" == *'<td>say "hi"</td>'* ]]
	[[ "$output" != *"<td>z</td>"* ]]
	[[ "$output" == *"1 more rows"* ]]
}

@test "html: a page of the pieces renders in headless chromium, every image loaded" {
	printf 'k,v\n1,2\n' >"$D/t.csv"
	{
		html_head "Test <page>" "kernel $(uname -r)"
		html_figure g.png g.svg "a graph & its caption"
		html_csv_table "$D/t.csv"
		html_foot
	} >"$D/index.html"
	run bash tests/page_check.sh "$D/index.html"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == "ok $D/index.html (1 images)" ]]
}

@test "page_check: a missing image, a console error and a page without images fail" {
	{ html_head T; html_figure missing.png "gone"; printf '<script>console.error("boom")</script>'; html_foot; } >"$D/bad.html"
	{ html_head T; html_foot; } >"$D/empty.html"
	run bash tests/page_check.sh "$D/bad.html" "$D/empty.html"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"bad.html: image not loaded: missing.png"* ]]
	[[ "$output" == *"bad.html: browser: "*boom* ]]
	[[ "$output" == *"empty.html: 0 images, expected at least 1"* ]]
	run bash tests/page_check.sh --bogus
	[ "$status" -eq 2 ]
}

@test "html: CLASSCOL gives each row its value of that column as a class (sanitized)" {
	printf 'figure,verdict\nmedian,regressed\nmean,"un changed<x>"\n' >"$D/v.csv"
	run html_csv_table "$D/v.csv" 10 verdict
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *'<tr class="regressed"><td>median</td><td>regressed</td></tr>'* ]]
	[[ "$output" == *'<tr class="unchangedx"><td>mean</td>'* ]]
	run html_csv_table "$D/v.csv"
	[[ "$output" != *'class='* ]]
}
