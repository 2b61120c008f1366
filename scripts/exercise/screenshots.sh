#!/usr/bin/env bash
# Makes the README's "Running an exercise" screenshots: a served Cooperation 2000 stopped at
# D+0 08:00 (--pause-at 8h), joined by the control, the CIS joint force and the armed groups.
# Needs a display (or ../shared/tools/xvfb-run-app.sh -- bash scripts/exercise/screenshots.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
jets=${JETS:-target/release/jets}
out=docs/images
tmp=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$tmp"' EXIT
"$jets" serve --listen 127.0.0.1:7891 --seats scripts/exercise/seats.ron --pause-at 8h --play --speed 100000 \
    --record "$tmp/journal.ron" > "$tmp/serve.out" 2>&1 &
server=$!
sleep 3
# the CIS joint force has just ordered its mountain rifle company to the Kan valley
cat > "$tmp/orders.ron" <<'RON'
[("cis", Order(unit: "kg_mrc_1", task: Attack(at: Place("kan"), radius_m: 3000.0)))]
RON
"$jets" view --connect 127.0.0.1:7891 --seat control --token control-change-me-0001 \
    --select kg_mrc_1 --screenshot "$out/exercise_control.png" --frames 60
"$jets" view --connect 127.0.0.1:7891 --seat cis --token cis-change-me-000000002 \
    --select kg_mrc_1 --orders "$tmp/orders.ron" --screenshot "$out/exercise_cis.png" --frames 60
"$jets" view --connect 127.0.0.1:7891 --seat irg --token irg-change-me-000000003 \
    --messages --screenshot "$out/exercise_irg.png" --frames 60
rm -f "$out"/exercise_*.png.json
echo "wrote $out/exercise_control.png, exercise_cis.png, exercise_irg.png"
