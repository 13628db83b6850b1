#!/usr/bin/env bash
# Sets up and runs every test on a fresh Debian machine: installs the tools
# the tests read outputs with when they are missing, then checks formatting
# and lints, then runs the tests.
#
#   poppler-utils            pdftotext, pdffonts, pdfinfo: read the PDFs back
#   qpdf                     checks the archival (PDF/A) files
#   libreoffice-writer-nogui the real client the DOCX is opened and printed by
#   parallel                 GNU parallel, for the sharding example in docs/deploy.md
#   typst (PyPI, 0.15)       typst-py compiles the --format typst export
set -euo pipefail
cd "$(dirname "$0")"

need=()
command -v pdftotext >/dev/null 2>&1 && command -v pdffonts >/dev/null 2>&1 || need+=(poppler-utils)
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui)
command -v qpdf >/dev/null 2>&1 || need+=(qpdf)
command -v parallel >/dev/null 2>&1 || need+=(parallel)
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
python3 -c 'import typst' 2>/dev/null || python3 -m pip install --quiet 'typst==0.15.*'

cargo --version
cargo fmt --check
cargo clippy --locked --all-targets --quiet -- -D warnings
cargo test --locked
