# shellcheck shell=bash
# copyout-bench: pieces of the static HTML reports (reproduce's index.html,
# nightly.html), sourced by the commands that write them. The pages are plain
# HTML with inline CSS: no script, no server, no network, so they open from a
# results directory or a mail attachment as they are.
#
#   html_esc                 stdin -> stdout, HTML-escaped
#   html_head TITLE [SUBTITLE]   <!doctype> ... <body><h1>
#   html_foot
#   html_figure PNG [SVG] CAPTION   an image (linking its SVG) with a caption
#                            (CAPTION is text; it is escaped)
#   html_csv_table CSV [MAXROWS] [CLASSCOL]   a CSV (RFC 4180 quoting, header row) as a
#                            <table>; past MAXROWS rows (default 50) a line says
#                            how many were left out; with CLASSCOL (a column's name)
#                            each row gets that column's value as its class (e.g.
#                            verdict: the .regressed, .improved ... colours above)
# Paths given to html_figure are written as they are: pass them relative to
# the page.

html_esc() {
	sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' -e 's/"/\&quot;/g'
}

html_head() {
	local title sub
	title=$(printf '%s' "$1" | html_esc)
	sub=$(printf '%s' "${2:-}" | html_esc)
	cat <<-EOF
		<!doctype html>
		<html lang="en"><head><meta charset="utf-8">
		<meta name="viewport" content="width=device-width, initial-scale=1">
		<title>$title</title>
		<style>
		body { font-family: sans-serif; max-width: 1100px; margin: 1em auto; padding: 0 1em; color: #222; }
		h1 { font-size: 1.5em; } h2 { font-size: 1.2em; border-bottom: 1px solid #ccc; margin-top: 2em; }
		.sub { color: #555; }
		figure { margin: 1em 0; } figure img { max-width: 100%; border: 1px solid #ddd; }
		figcaption { font-size: 0.9em; color: #333; }
		table { border-collapse: collapse; font-size: 0.85em; margin: 0.5em 0; }
		th, td { border: 1px solid #ccc; padding: 2px 6px; text-align: left; }
		th { background: #f0f0f0; }
		.regressed, .failed { background: #fdd; } .improved { background: #dfd; }
		.skipped, .noise { color: #777; }
		</style></head><body>
		<h1>$title</h1>
	EOF
	[ -n "$sub" ] && printf '<p class="sub">%s</p>\n' "$sub"
	return 0
}

html_foot() {
	printf '</body></html>\n'
}

html_figure() {
	local png=$1 svg='' cap
	if [ $# -ge 3 ]; then svg=$2; cap=$3; else cap=$2; fi
	cap=$(printf '%s' "$cap" | html_esc)
	printf '<figure>'
	if [ -n "$svg" ]; then printf '<a href="%s">' "$svg"; fi
	printf '<img src="%s" alt="%s">' "$png" "$cap"
	if [ -n "$svg" ]; then printf '</a>'; fi
	printf '<figcaption>%s</figcaption></figure>\n' "$cap"
}

html_csv_table() {
	local csv=$1 max=${2:-50} classcol=${3:-}
	awk -v max="$max" -v classcol="$classcol" '
	function esc(s) { gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s); return s }
	# split one RFC 4180 line into f[1..n] (no newlines inside fields)
	function parse(line,    n, i, c, q, cur) {
		n = 0; cur = ""; q = 0
		for (i = 1; i <= length(line); i++) {
			c = substr(line, i, 1)
			if (q) {
				if (c == "\"" && substr(line, i + 1, 1) == "\"") { cur = cur "\""; i++ }
				else if (c == "\"") q = 0
				else cur = cur c
			} else if (c == "\"") q = 1
			else if (c == ",") { f[++n] = cur; cur = "" }
			else cur = cur c
		}
		f[++n] = cur
		return n
	}
	{ sub(/\r$/, "") }
	NR == 1 { n = parse($0); printf "<table><tr>"; for (i = 1; i <= n; i++) { printf "<th>%s</th>", esc(f[i]); if (f[i] == classcol) cc = i }; print "</tr>"; next }
	NR - 1 <= max { n = parse($0); if (cc) { cls = f[cc]; gsub(/[^A-Za-z0-9_-]/, "", cls); printf "<tr class=\"%s\">", cls } else printf "<tr>"; for (i = 1; i <= n; i++) printf "<td>%s</td>", esc(f[i]); print "</tr>" }
	END { print "</table>"; if (NR - 1 > max) printf "<p class=\"sub\">%d more rows in the CSV.</p>\n", NR - 1 - max }
	' "$csv"
}
