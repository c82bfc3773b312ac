#!/bin/sh
# The CI fuzz step of issue 7: every target for 20 seconds (about two minutes in all),
# failing on any crash, leak or hang.  See run.sh.
exec "$(dirname "$0")/run.sh" "${WS_FUZZ_SECONDS:-20}"
