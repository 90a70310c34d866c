#!/usr/bin/env bash
# A real CUPS for the printer tests (Debian 12, root, no systemd) — the recipe of
# shared/reference/printing.md, Appendix A1, kept idempotent.
#
#   source .ci/cups.sh     # from .ci/run: exports the PACKDESK_TEST_CUPS_* variables
#   bash .ci/cups.sh       # by hand: the same, and the variables land in $PACKDESK_TEST_CUPS_DIR/env
#
# Installs the packages if missing, starts cupsd (daemon mode, it outlives this script), and creates
#   PACKDESK_PDF  a cups-pdf queue writing into $PACKDESK_TEST_CUPS_DIR/pdf
#   PACKDESK_RAW  a raw queue to socket://127.0.0.1:$PACKDESK_TEST_CUPS_RAW_PORT (the tests listen there)
# The tests read the variables from the environment, else from /tmp/packdesk-cups/env.
# Safe to source under `set -euo pipefail`: it changes no shell options and never calls exit.

_packdesk_cups() {
    local dir=${PACKDESK_TEST_CUPS_DIR:-/tmp/packdesk-cups}
    local raw_port=${PACKDESK_TEST_CUPS_RAW_PORT:-9109}
    local i
    if ! command -v cupsd >/dev/null || [ ! -x /usr/lib/cups/backend/cups-pdf ] \
        || ! command -v lpadmin >/dev/null || ! command -v pdftoppm >/dev/null; then
        echo "cups.sh: installing CUPS (about 20 s)"
        apt-get update -qq || return 1
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            cups cups-client cups-bsd printer-driver-cups-pdf poppler-utils >/dev/null || return 1
    fi
    mkdir -p "$dir/pdf" && chmod 1777 "$dir/pdf"
    sed -i -e "s|^#\?Out .*|Out $dir/pdf|" -e "s|^#\?AnonDirName .*|AnonDirName $dir/pdf|" \
        /etc/cups/cups-pdf.conf
    if ! lpstat -r 2>/dev/null | grep -q 'is running'; then
        /usr/sbin/cupsd || return 1          # forks; pid in /run/cups/cupsd.pid
        for i in $(seq 250); do              # deadline: 5 s
            lpstat -r 2>/dev/null | grep -q 'is running' && break
            sleep 0.02
        done
        lpstat -r 2>/dev/null | grep -q 'is running' || { echo "cups.sh: cupsd did not start" >&2; return 1; }
    fi
    lpadmin -p PACKDESK_PDF -E -v cups-pdf:/ -m lsb/usr/cups-pdf/CUPS-PDF_opt.ppd 2>/dev/null || return 1
    lpadmin -p PACKDESK_RAW -E -v "socket://127.0.0.1:$raw_port" -m raw 2>/dev/null || return 1
    cupsenable PACKDESK_PDF PACKDESK_RAW && cupsaccept PACKDESK_PDF PACKDESK_RAW || return 1
    cancel -a PACKDESK_PDF PACKDESK_RAW 2>/dev/null || true   # leftovers of an earlier run
    cat > "$dir/env" <<ENV
PACKDESK_TEST_CUPS_SERVER=http://127.0.0.1:631
PACKDESK_TEST_CUPS_PDF_QUEUE=PACKDESK_PDF
PACKDESK_TEST_CUPS_PDF_DIR=$dir/pdf
PACKDESK_TEST_CUPS_RAW_QUEUE=PACKDESK_RAW
PACKDESK_TEST_CUPS_RAW_PORT=$raw_port
ENV
    set -a
    # shellcheck disable=SC1091
    . "$dir/env"
    set +a
    echo "cups.sh: cupsd running; queues PACKDESK_PDF (-> $dir/pdf) and PACKDESK_RAW (-> 127.0.0.1:$raw_port); env in $dir/env"
}

_packdesk_cups
