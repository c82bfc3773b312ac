#!/bin/sh
# The forecast job on the TRAINING holdouts at several origins, in one command:
#   sh bench/forecast/origins.sh [--auto] [--sets "m3_other m1_yearly"] [--origins "0 1 2"]
# At origin B the h values before the last B × h of each training series are held out and
# the rest is forecast (fc_tune with FC_BACK=B; no test file is read).  Prints each set's
# OWA and 95% coverage at every origin, the means, and how far coverage moves between
# origins of the same set: a set's series share their test years, so its coverage moves
# with them, and this tells how many of the sets a forecaster calibrated on average could
# expect to see in [0.93, 0.97] at any one origin.  --auto scores auto alone (no job).
# Any FC_* setting of fc_tune passes through (e.g. FC_GROUP=30 for jobs of 30 series).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${WS_BUILD_DIR:-$root/build-bench}
export WS_SHARED_DATA=${WS_SHARED_DATA:-$(cd "$root/.." && pwd)/shared/data}
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
sets="m3_yearly m3_quarterly m3_monthly m3_other m1_yearly m1_quarterly m1_monthly
      tourism_yearly tourism_quarterly tourism_monthly m4_weekly m4_hourly"
origins="0 1 2"
mode=job
while [ $# -gt 0 ]; do
    case "$1" in
        --auto) mode=auto ;;
        --sets) sets=$2; shift ;;
        --origins) origins=$2; shift ;;
        *) echo "usage: $0 [--auto] [--sets \"SET ...\"] [--origins \"B ...\"]" >&2; exit 1 ;;
    esac
    shift
done
if [ ! -d "$WS_SHARED_DATA/forecast" ]; then
    echo "origins.sh: no data at $WS_SHARED_DATA/forecast (set WS_SHARED_DATA)" >&2
    exit 1
fi
[ -f "$build/build.ninja" ] || meson setup "$build" "$root" >/dev/null
ninja -C "$build" tests/formulas/forecast/fc_tune >/dev/null
tune=$build/tests/formulas/forecast/fc_tune
[ "$mode" = job ] && export FC_JOB=1 || unset FC_JOB
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# One fc_tune run per set and origin, on every core.
for b in $origins; do
    for s in $sets; do
        echo "FC_BACK=$b '$tune' $s >'$out/$s.$b' 2>'$out/$s.$b.err' || echo '$s.$b failed' >&2"
    done
done | xargs -P "$(nproc)" -I{} sh -c "{}"

for s in $sets; do
    for b in $origins; do
        printf '%s %s ' "$s" "$b"
        cat "$out/$s.$b"
    done
done | awk -v mode="$mode" -v origins="$origins" '
function field(name,   i) { for (i = 1; i <= NF; i++) if ($i == name) return $(i + 1); return "" }
{
    s = $1; b = $2; owa[s, b] = field("OWA"); cov[s, b] = field("cov95")
    if (!(s in seen)) { seen[s] = 1; order[++ns] = s }
}
END {
    nb = split(origins, ob, " ")
    printf "== %s on the training holdouts: OWA / 95%% coverage at origins %s ==\n", mode, origins
    printf "  %-18s", "set"
    for (i = 1; i <= nb; i++) printf "   origin %-2s     ", ob[i]
    printf "  coverage sd\n"
    for (k = 1; k <= ns; k++) {
        s = order[k]; m = 0; q = 0
        printf "  %-18s", s
        for (i = 1; i <= nb; i++) {
            c = cov[s, ob[i]]; printf "  %.4f / %.3f", owa[s, ob[i]], c
            so[i] += owa[s, ob[i]]; m += c; q += c * c
            if (c >= 0.93 && c <= 0.97) inr[i]++
            d = c - 0.95; dev += d * d
        }
        m /= nb
        if (nb > 1) { v = (q - nb * m * m) / (nb - 1); within += v; printf "  %.3f", sqrt(v) }
        printf "\n"
    }
    printf "  %-18s", "mean OWA"
    for (i = 1; i <= nb; i++) { printf "  %.4f        ", so[i] / ns; all += so[i] }
    printf "\n  mean OWA over the %d set-origins %.4f\n", ns * nb, all / (ns * nb)
    printf "  95%% coverage in [0.93, 0.97]:"
    for (i = 1; i <= nb; i++) { printf " %d", inr[i]; tin += inr[i] }
    printf " of %d sets (%d of %d set-origins); root mean square distance from 0.95 %.4f\n",
        ns, tin, ns * nb, sqrt(dev / (ns * nb))
    if (nb > 1) {
        sd = sqrt(within / ns)
        # P(|Z| <= 0.02 / sd) for Z standard normal, by erf (Abramowitz & Stegun 7.1.26).
        x = 0.02 / sd / sqrt(2); t = 1 / (1 + 0.3275911 * x)
        p = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * exp(-x * x)
        printf "  coverage of one set moves between origins with sd %.4f: a forecaster calibrated on\n", sd
        printf "  average would expect %.1f of %d sets in [0.93, 0.97] at one origin\n", p * ns, ns
    }
}'
