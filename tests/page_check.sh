#!/usr/bin/env bash
# page_check.sh: open static HTML pages in a real headless browser (Debian's
# chromium, driven through chromedriver's WebDriver API with curl) and fail
# if a page does not render cleanly.
#
#   bash tests/page_check.sh [--min-images N] PAGE.html...
#
# For each page it checks, after the page has loaded:
#   - every <img> loaded (complete, with a natural width > 0);
#   - the page has at least N images (default 1: a report without a graph is broken);
#   - the browser logged no error (console errors, failed loads of a resource);
#   - the page has a <title>.
# Prints one line per problem ("PAGE: ..."), "ok PAGE (N images)" per good page.
# Exit 0: all pages good; 1: a problem; 2: bad usage or no browser.
set -euo pipefail

min_images=1
while [ $# -gt 0 ]; do
	case "$1" in
	--min-images) min_images=$2; shift 2 ;;
	-h | --help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	--) shift; break ;;
	-*) echo "page_check: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || { echo "page_check: no page given (see --help)" >&2; exit 2; }
for t in chromium chromedriver curl jq; do
	command -v "$t" >/dev/null || { echo "page_check: $t is missing (Debian packages chromium chromium-driver curl jq)" >&2; exit 2; }
done

work=$(mktemp -d)
driver=
# shellcheck disable=SC2317 # run by the trap
cleanup() {
	if [ -n "$driver" ]; then
		kill "$driver" 2>/dev/null || true
		wait "$driver" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# chromedriver needs a port of its own: try random ones until one starts.
port=
for p in $(shuf -i 20000-60000 -n 20); do
	chromedriver --port="$p" --log-path="$work/driver.log" >/dev/null 2>&1 &
	driver=$!
	for _ in $(seq 50); do
		curl -sf "http://127.0.0.1:$p/status" 2>/dev/null | jq -e '.value.ready' >/dev/null 2>&1 && { port=$p; break; }
		kill -0 "$driver" 2>/dev/null || break
		sleep 0.1
	done
	[ -n "$port" ] && break
	kill "$driver" 2>/dev/null; wait "$driver" 2>/dev/null || true
	driver=
done
[ -n "$port" ] || { echo "page_check: chromedriver did not start ($(tail -n1 "$work/driver.log" 2>/dev/null))" >&2; exit 2; }
base=http://127.0.0.1:$port

wd() { # wd METHOD PATH [JSON] -> the response's .value
	local out
	out=$(curl -sf -X "$1" -H 'Content-Type: application/json' ${3:+--data "$3"} "$base$2") ||
		{ echo "page_check: WebDriver $1 $2 failed" >&2; return 1; }
	jq -c '.value' <<<"$out"
}

caps='{"capabilities":{"alwaysMatch":{"browserName":"chrome",
  "goog:chromeOptions":{"binary":"'"$(command -v chromium)"'",
    "args":["--headless=new","--no-sandbox","--disable-gpu","--disable-dev-shm-usage",
            "--user-data-dir='"$work"'/profile","--allow-file-access-from-files"]},
  "goog:loggingPrefs":{"browser":"ALL"}}}}'
sid=$(wd POST /session "$caps" | jq -r '.sessionId') || { echo "page_check: the browser did not start" >&2; exit 2; }
run_js() { wd POST "/session/$sid/execute/sync" "$(jq -nc --arg s "$1" '{script:$s,args:[]}')"; }

bad=0
for page in "$@"; do
	if [ ! -f "$page" ]; then echo "$page: no such file"; bad=1; continue; fi
	url="file://$(cd "$(dirname "$page")" && pwd -P)/$(basename "$page")"
	wd POST "/session/$sid/url" "$(jq -nc --arg u "$url" '{url:$u}')" >/dev/null || { echo "$page: did not load"; bad=1; continue; }
	# wait until the document and every image settled
	for _ in $(seq 100); do
		[ "$(run_js 'return document.readyState==="complete" && Array.from(document.images).every(i=>i.complete)')" = true ] && break
		sleep 0.1
	done
	problems=()
	title=$(run_js 'return document.title' | jq -r .)
	[ -n "$title" ] || problems+=("no <title>")
	nimg=$(run_js 'return document.images.length')
	[ "$nimg" -ge "$min_images" ] || problems+=("$nimg images, expected at least $min_images")
	while IFS= read -r src; do
		[ -n "$src" ] && problems+=("image not loaded: $src")
	done < <(run_js 'return Array.from(document.images).filter(i=>!(i.complete&&i.naturalWidth>0)).map(i=>i.getAttribute("src"))' | jq -r '.[]')
	while IFS= read -r msg; do
		[ -n "$msg" ] && problems+=("browser: $msg")
	done < <(wd POST "/session/$sid/se/log" '{"type":"browser"}' | jq -r '.[] | select(.level=="SEVERE" or .level=="WARNING") | .message')
	if [ ${#problems[@]} -eq 0 ]; then
		echo "ok $page ($nimg images)"
	else
		bad=1
		for p in "${problems[@]}"; do echo "$page: $p"; done
	fi
done
wd DELETE "/session/$sid" >/dev/null || true
exit "$bad"
