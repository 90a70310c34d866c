#!/usr/bin/env bash
# The README's two set-up commands, verbatim, as a new user runs them: a fresh copy of the
# repository, a clean HOME, no virtual environment active, and only the system's python3 on PATH
# (on Debian that python is "externally managed", so a bare `pip install` would be refused).
#
#   bash .ci/readme-verbatim.sh            demo command + "--headless --orders 3", then the test
#                                          command with a quick selection appended
#   bash .ci/readme-verbatim.sh --full     the test command exactly, the whole suite
#
# The interactive demo needs a person at a terminal, so the demo command runs with the README's own
# smoke-test flags appended (`--headless --orders N`); everything before them is the README's text.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
full=${1:-}
system_path=${PACKDESK_README_PATH:-/usr/bin:/bin}
work=$(mktemp -d -t packdesk-readme.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/packdesk" "$work/home"

# What a clone would hold, plus uncommitted edits: every tracked or new, not ignored file.
(cd "$repo" && git ls-files -z --cached --others --exclude-standard \
    | tar --null --ignore-failed-read -T - -cf - 2>/dev/null) | tar -C "$work/packdesk" -xf -
# Amazon's and the carriers' models live beside the repository (../shared), not in it.
[ -d "$repo/../shared" ] && ln -s "$(cd "$repo/../shared" && pwd)" "$work/shared"

demo_command=$(python3 "$repo/.ci/readme_command.py" demo)
test_command=$(python3 "$repo/.ci/readme_command.py" tests)

clean() {  # run one shell line in the copy with nothing inherited but the machine itself
    env -i HOME="$work/home" PATH="$system_path" LANG=C.UTF-8 TERM=dumb TMPDIR="$work" \
        bash -c "cd '$work/packdesk' && $1"
}

echo "== python3 in the clean environment: $(env -i PATH="$system_path" bash -c 'command -v python3')"
echo "== README demo command: $demo_command --headless --orders 3"
clean "$demo_command --headless --orders 3"

if [ "$full" = "--full" ]; then
    echo "== README test command: $test_command"
    clean "$test_command"
else
    quick="tests/ci -q -p no:cacheprovider"
    echo "== README test command: $test_command $quick"
    clean "$test_command $quick"
fi
echo "== README commands ran verbatim in a clean environment"
