#!/usr/bin/env bash
# Refreshes the vendored front-end files in crates/app/static/vendor (served by zona)
# and crates/app/tests/vendor (used only by the browser tests).
# Building zona needs no network: run this script only to change a version,
# then commit the result together with the new versions below.
set -euo pipefail

BOOTSTRAP_ITALIA_VERSION=2.18.3
HTMX_VERSION=2.0.11
AXE_CORE_VERSION=4.14.1

root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund --silent \
  "bootstrap-italia@${BOOTSTRAP_ITALIA_VERSION}" \
  "htmx.org@${HTMX_VERSION}" \
  "axe-core@${AXE_CORE_VERSION}"

static="$root/crates/app/static/vendor"
rm -rf "$static"
mkdir -p "$static/bootstrap-italia/css" "$static/bootstrap-italia/js" "$static/bootstrap-italia/svg" "$static/htmx"
bi=node_modules/bootstrap-italia/dist
cp "$bi/css/bootstrap-italia.min.css" "$static/bootstrap-italia/css/"
cp "$bi/js/bootstrap-italia.bundle.min.js" "$static/bootstrap-italia/js/"
cp "$bi/svg/sprites.svg" "$static/bootstrap-italia/svg/"
# Only woff2 (every supported browser reads it) and the font licences.
for family in Titillium_Web Lora Roboto_Mono; do
  mkdir -p "$static/bootstrap-italia/fonts/$family"
  cp "$bi/fonts/$family"/*.woff2 "$bi/fonts/$family"/*.txt "$static/bootstrap-italia/fonts/$family/"
done
# Bootstrap Italia loads its fonts from JavaScript by injecting an inline <style>,
# which our Content-Security-Policy forbids: declare them in a static stylesheet instead.
{
  for f in "$static"/bootstrap-italia/fonts/*/*.woff2; do
    rel=${f#"$static/bootstrap-italia/"}
    base=$(basename "$f" .woff2)
    case "$rel" in
      fonts/Titillium_Web/*) family="Titillium Web" ;;
      fonts/Lora/*) family="Lora" ;;
      fonts/Roboto_Mono/*) family="Roboto Mono" ;;
    esac
    variant=${base##*_latin-}
    style=normal; case "$variant" in *italic) style=italic ;; esac
    weight=${variant%italic}; case "$weight" in ''|regular) weight=400 ;; esac
    printf "@font-face{font-family:'%s';font-style:%s;font-weight:%s;font-display:swap;src:url('../%s') format('woff2')}\n" "$family" "$style" "$weight" "$rel"
  done
} > "$static/bootstrap-italia/css/fonts.css"
cp node_modules/bootstrap-italia/LICENSE "$static/bootstrap-italia/LICENSE" 2>/dev/null || true
cp node_modules/htmx.org/dist/htmx.min.js "$static/htmx/"
cp node_modules/htmx.org/LICENSE "$static/htmx/LICENSE" 2>/dev/null || true

tests="$root/crates/app/tests/vendor"
mkdir -p "$tests"
cp node_modules/axe-core/axe.min.js "$tests/axe.min.js"
cp node_modules/axe-core/LICENSE "$tests/axe-core.LICENSE" 2>/dev/null || true

cat > "$static/VERSIONS" <<TXT
bootstrap-italia ${BOOTSTRAP_ITALIA_VERSION}
htmx.org ${HTMX_VERSION}
TXT
echo "axe-core ${AXE_CORE_VERSION}" > "$tests/VERSIONS"
echo "vendored: bootstrap-italia ${BOOTSTRAP_ITALIA_VERSION}, htmx ${HTMX_VERSION}, axe-core ${AXE_CORE_VERSION}"
