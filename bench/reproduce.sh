# shellcheck shell=bash
# copyout-bench: ./run.sh reproduce, sourced by run.sh (uses its run_child,
# render_plots, say, die, in_guest, and bench/lib.sh's kv_field: the describe
# and status files are KEY=VALUE lines). The experiments are the configs:
# every configs/*.conf with an [experiment] id (bench/config_reproduce.c)
# takes part, in id order; nothing here names one.
#
# Layout of a reproduce directory (results/DATE-reproduce):
#   NAME/                 the sweep's results directory (./run.sh sweep NAME --out)
#   NAME.log              the sweep's output
#   status/NAME.describe  the config's keys (cob-sweep --describe)
#   status/NAME.status    state=ran|skipped|failed, reason=, seconds=, runs=,
#                         place= (host, or the guest kernel)
#   status/without-id.txt the configs that are not part of reproduce (no id)
#   index.html            the page (bench/reproduce_page.sh), written on the host
# Inside a guest (./run.sh vm -- reproduce --run ...) only the run phase runs:
# the host then draws the graphs (the guest has no gnuplot) and writes the page.

REPRO_NAMES=()          # experiments in id order (config names)
declare -A REPRO_CFG=() # name -> config path
declare -A REPRO_PLACE=() # name -> host, a guest kernel, or skip

repro_status() { # repro_status DIR NAME STATE REASON [SECONDS]: write NAME's status (temp + rename)
	local f=$1/status/$2.status
	{
		echo "state=$3"
		echo "reason=${4//$'\n'/ }"
		echo "seconds=${5:-0}"
		echo "runs=$(kv_field "$1/status/$2.describe" runs)"
		echo "place=${REPRO_PLACE[$2]:-here}"
	} >"$f.tmp" && mv -f "$f.tmp" "$f"
}

# repro_collect CONFIGS DIR ONLY: describe every config of CONFIGS into
# DIR/status; REPRO_NAMES: those with an id (and in ONLY, a comma list of ids or
# names, when given), by id. A config that does not parse takes part as failed.
repro_collect() {
	local cdir=$1 dir=$2 only=$3 f name id err d order=() want=() w found
	local -A seen_id=()
	mkdir -p "$dir/status"
	[ -z "$only" ] || IFS=, read -ra want <<<"$only"
	for f in "$cdir"/*.conf; do
		[ -e "$f" ] || continue
		name=$(basename "$f" .conf)
		d=$dir/status/$name.describe
		if ! err=$("$BIN/cob-sweep" --config "$f" --describe "${REPRO_QUICK[@]}" 2>&1 >"$d.tmp"); then
			# no id to sort by: it goes last, under its file name
			id=
			printf 'name=%s\nid=\ntitle=%s\nbad=%s\n' "$name" "$name" "${err//$'\n'/ }" >"$d"
			rm -f "$d.tmp"
		else
			if [ "$(kv_field "$d.tmp" run)" = sweep ]; then
				"$BIN/cob-sweep" --config "$f" --check "${REPRO_QUICK[@]}" 2>/dev/null |
					sed -n 's/.* = \([0-9]*\) runs$/runs=\1/p' >>"$d.tmp"
			else
				echo "runs=1" >>"$d.tmp" # a benchmark: one run as far as the estimate knows
			fi
			mv -f "$d.tmp" "$d"
			id=$(kv_field "$d" id)
			if [ -z "$id" ]; then # not part of reproduce: the page names it
				rm -f "$d"
				echo "$name" >>"$dir/status/without-id.txt"
				continue
			fi
		fi
		if [ ${#want[@]} -gt 0 ]; then
			found=0
			for w in "${want[@]}"; do [ "$w" = "$name" ] || [ "$w" = "$id" ] && found=1; done
			if [ "$found" = 0 ]; then rm -f "$d"; continue; fi
		fi
		REPRO_CFG[$name]=$f
		order+=("$(printf '%06d %s' "$([ -n "$id" ] && echo "${id#E}" || echo 999999)" "$name")")
	done
	for w in "${want[@]}"; do
		found=0
		for name in "${!REPRO_CFG[@]}"; do
			[ "$w" = "$name" ] || [ "$w" = "$(kv_field "$dir/status/$name.describe" id)" ] && found=1
		done
		[ "$found" = 1 ] || die 2 "reproduce: --only: no experiment '$w' (ids and names: $(repro_known "$cdir"))"
	done
	[ ${#order[@]} -gt 0 ] || die 2 "reproduce: no experiment in $cdir has an [experiment] id"
	while read -r _ name; do
		REPRO_NAMES+=("$name")
		id=$(kv_field "$dir/status/$name.describe" id)
		if [ -n "$id" ] && [ -n "${seen_id[$id]:-}" ]; then
			echo "bad=the id $id is also ${seen_id[$id]}'s" >>"$dir/status/$name.describe"
		fi
		[ -z "$id" ] || seen_id[$id]=${seen_id[$id]:-$name}
	done < <(printf '%s\n' "${order[@]}" | sort)
}

repro_known() { # the ids and names of the experiments in CONFIGS
	local f line known=()
	for f in "$1"/*.conf; do
		line=$("$BIN/cob-sweep" --config "$f" --describe 2>/dev/null | sed -n 's/^id=\(..*\)/\1/p')
		[ -z "$line" ] || known+=("$line=$(basename "$f" .conf)")
	done
	echo "${known[*]}"
}

# repro_place DIR TARGET: where each experiment runs (REPRO_PLACE): host, a
# guest kernel name, or skip (its status written with the reason). A guest
# decides by its own probes when it runs (repro_run_one).
repro_place() {
	local dir=$1 target=$2 name d et k here=host
	in_guest && here=vm
	for name in "${REPRO_NAMES[@]}"; do
		d=$dir/status/$name.describe
		if [ -n "$(kv_field "$d" bad)" ]; then
			REPRO_PLACE[$name]=$here
			repro_status "$dir" "$name" failed "$(kv_field "$d" bad)"
			continue
		fi
		et=$(kv_field "$d" target) k=$(kv_field "$d" kernel)
		case $target in
		host) # this machine: the host, or the guest we are in
			if [ "$et" != both ] && [ "$et" != "$here" ]; then
				REPRO_PLACE[$name]=skip
				repro_status "$dir" "$name" skipped "runs on the $et only (target = $et); this run: --target $target on the $here"
			else
				REPRO_PLACE[$name]=$here
			fi ;;
		vm)
			if [ "$et" = host ]; then
				REPRO_PLACE[$name]=skip
				repro_status "$dir" "$name" skipped "runs on the host only (target = host); this run: --target vm"
			else
				REPRO_PLACE[$name]=$k
			fi ;;
		auto)
			if [ "$et" = host ]; then
				REPRO_PLACE[$name]=host
			elif [ "$et" = vm ]; then
				REPRO_PLACE[$name]=$k
			elif [ "$(kv_field "$d" run)" != sweep ]; then
				REPRO_PLACE[$name]=host # a benchmark says itself what this kernel lacks
			elif "$BIN/cob-sweep" --config "${REPRO_CFG[$name]}" --check-hook "${REPRO_QUICK[@]}" >/dev/null 2>&1; then
				REPRO_PLACE[$name]=host
			else
				REPRO_PLACE[$name]=$k # the host cannot attach its hook: its guest
			fi ;;
		esac
	done
}

REPRO_T0=$SECONDS REPRO_RUNS_DONE=0 REPRO_SECS_DONE=0 REPRO_RUNS_ALL=0

repro_count_runs() { # repro_count_runs DIR: REPRO_RUNS_ALL, the runs of the experiments that will run
	local name k
	REPRO_RUNS_ALL=0
	for name in "${REPRO_NAMES[@]}"; do
		if [ "${REPRO_PLACE[$name]}" = skip ] || [ -f "$1/status/$name.status" ]; then continue; fi
		k=$(kv_field "$1/status/$name.describe" runs)
		REPRO_RUNS_ALL=$((REPRO_RUNS_ALL + ${k:-0}))
	done
}

repro_progress() { # repro_progress K N NAME WHAT: one line with elapsed and an estimate
	local el=$((SECONDS - REPRO_T0)) left="unknown until one has run"
	if [ "$REPRO_RUNS_DONE" -gt 0 ]; then
		left="about $(hms $(((REPRO_RUNS_ALL - REPRO_RUNS_DONE) * REPRO_SECS_DONE / REPRO_RUNS_DONE)))"
	fi
	say "[$1/$2] $3: $4 (elapsed $(hms "$el"), left: $left)"
}

repro_indent() { # stdin -> stderr, indented, line by line as it comes (busybox sed has no -u)
	local l
	while IFS= read -r l; do printf '    %s\n' "$l"; done
}

# repro_stopped STATUS: a child that ended by SIGINT, SIGTERM or SIGHUP (run.sh's
# supervisor stops us through our children: see Signals in run.sh) stops the
# whole reproduce with that status; the partial directory goes (partial_exit)
repro_stopped() {
	case $1 in 129 | 130 | 143) say "reproduce: stopped (status $1)"; exit "$1" ;; esac
}

# repro_run_one DIR NAME: one experiment here (host or the guest we are in)
# with the run.sh command its config names (run = sweep, or bench NAME). A
# sweep's hook backends are probed first; exit 3 of the command (the kernel
# lacks what it needs) is a skip, any other failure a failure.
repro_run_one() {
	local dir=$1 name=$2 cfg=${REPRO_CFG[$2]} st=0 why t0=$SECONDS runs run argv
	runs=$(kv_field "$dir/status/$name.describe" runs)
	run=$(kv_field "$dir/status/$name.describe" run)
	if [ "$run" = sweep ]; then
		# the probes: can this kernel attach the hook the experiment needs?
		why=$("$BIN/cob-sweep" --config "$cfg" --check-hook "${REPRO_QUICK[@]}" 2>&1 >/dev/null) || st=$?
		if [ "$st" = 3 ]; then
			repro_status "$dir" "$name" skipped "this kernel ($(uname -r)) cannot attach the hook it needs: ${why##*cob-sweep: }"
			return 0
		elif [ "$st" != 0 ]; then
			repro_status "$dir" "$name" failed "cob-sweep --check-hook: exit $st: ${why##*$'\n'}"
			return 0
		fi
		argv=(sweep "$cfg" --target host)
	else
		read -ra argv <<<"$run"
	fi
	st=0
	run_child "$BASH" "$ROOT/run.sh" "${argv[@]}" "${REPRO_QUICK[@]}" --out "$dir/$name" \
		> >(tee "$dir/$name.log" | repro_indent >&2) 2>&1 || st=$?
	repro_stopped "$st"
	why=$(grep -v '^ *\[' "$dir/$name.log" | tail -n1)
	case $st in
	0)
		repro_status "$dir" "$name" ran "" $((SECONDS - t0))
		REPRO_RUNS_DONE=$((REPRO_RUNS_DONE + ${runs:-1}))
		REPRO_SECS_DONE=$((REPRO_SECS_DONE + SECONDS - t0)) ;;
	3) repro_status "$dir" "$name" skipped "this kernel ($(uname -r)) lacks what it needs: $why" $((SECONDS - t0)) ;;
	*) repro_status "$dir" "$name" failed "./run.sh ${argv[0]} exit $st: $why" $((SECONDS - t0)) ;;
	esac
}

# repro_run_here DIR: every experiment placed here, one after the other
repro_run_here() {
	local dir=$1 name k=0 n=0 here=host
	in_guest && here=vm
	for name in "${REPRO_NAMES[@]}"; do [ "${REPRO_PLACE[$name]}" != "$here" ] || n=$((n + 1)); done
	for name in "${REPRO_NAMES[@]}"; do
		[ "${REPRO_PLACE[$name]}" = "$here" ] || continue
		[ ! -f "$dir/status/$name.status" ] || continue # decided already (a bad config)
		k=$((k + 1))
		repro_progress "$k" "$n" "$name" "$(kv_field "$dir/status/$name.describe" runs) runs, $(kv_field "$dir/status/$name.describe" id) on the $here"
		repro_run_one "$dir" "$name"
		say "    $name: $(kv_field "$dir/status/$name.status" state) in $(kv_field "$dir/status/$name.status" seconds) s"
	done
}

# repro_run_guest DIR KERNEL: the experiments placed in KERNEL's guest, in one boot
repro_run_guest() {
	local dir=$1 kernel=$2 names=() name st=0 t0=$SECONDS secs
	for name in "${REPRO_NAMES[@]}"; do [ "${REPRO_PLACE[$name]}" != "$kernel" ] || names+=("$name"); done
	[ ${#names[@]} -gt 0 ] || return 0
	mkdir -p "$dir/.configs-$kernel" # the guest sees these, and only these
	for name in "${names[@]}"; do cp "${REPRO_CFG[$name]}" "$dir/.configs-$kernel/"; done
	repro_progress "-" "-" "$kernel guest" "${names[*]}"
	run_child bash "$ROOT/vm/vm.sh" --kernel "$kernel" --timeout "${COB_REPRODUCE_VM_TIMEOUT:-2400}" --results "$dir" -- \
		reproduce --run --configs "$dir/.configs-$kernel" --out "$dir" "${REPRO_QUICK[@]}" || st=$?
	repro_stopped "$st"
	secs=$((SECONDS - t0))
	for name in "${names[@]}"; do
		REPRO_PLACE[$name]=$kernel
		if [ -f "$dir/status/$name.status" ]; then
			# the guest wrote place=vm: name the kernel
			sed -i "s/^place=.*/place=$kernel/" "$dir/status/$name.status"
			if [ "$(kv_field "$dir/status/$name.status" state)" = ran ]; then
				REPRO_RUNS_DONE=$((REPRO_RUNS_DONE + $(kv_field "$dir/status/$name.describe" runs)))
			fi
		else
			repro_status "$dir" "$name" failed "the $kernel guest ended (exit $st) before it ran $name"
		fi
	done
	REPRO_SECS_DONE=$((REPRO_SECS_DONE + secs))
	say "$kernel guest: ${#names[@]} experiments in $secs s (exit $st)"
}

# repro_plots DIR NAME FINAL: the graphs of an experiment that ran, PNG and SVG,
# naming FINAL/NAME as where the data is (a host sweep drew them naming DIR, the
# staging directory; a guest's has none); a missing or failing plot script
# makes it failed
repro_plots() {
	local dir=$1 name=$2 why
	[ "$(kv_field "$dir/status/$name.status" state)" = ran ] || return 0
	if ! why=$(render_plots "$dir/$name" "$3/$name" 2>&1); then
		repro_status "$dir" "$name" failed "graphs: ${why##*$'\n'}" "$(kv_field "$dir/status/$name.status" seconds)"
	fi
}
