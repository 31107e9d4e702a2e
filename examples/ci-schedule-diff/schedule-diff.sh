#!/usr/bin/env bash
# A CI step for pull requests that touch a model or its device profile: compiles the model for the
# device and posts how the plan changed against the schedule the main branch ships, as Markdown
# (`nncc diff --format md`) in a pull-request comment. A changed schedule is for review, not a
# failure; a compile or diff error fails the step.
#
# usage: schedule-diff.sh MODEL.onnx PROFILE.json BASELINE OUT.nnb [COMMENT.md]
#   BASELINE  the main branch's bundle directory or its schedule.json (e.g. committed beside the model)
#   OUT.nnb   where to write the new bundle (the CI artifact to deploy)
# env:
#   NNCC                        how to run nncc (default: npx nncc)
#   GH_TOKEN (or GITHUB_TOKEN) and PR_NUMBER
#                               with both set and the gh CLI installed, the comment is posted to the
#                               pull request; otherwise it is printed on stdout
set -euo pipefail

if [[ $# -lt 4 ]]; then
  sed -n '7,14p' "$0" >&2
  exit 2
fi
model=$1 profile=$2 baseline=$3 out=$4 comment=${5:-schedule-diff.md}
read -r -a nncc <<< "${NNCC:-npx nncc}"

"${nncc[@]}" compile "$model" --profile "$profile" -o "$out" >&2

status=0
"${nncc[@]}" diff "$baseline" "$out" --format md > "$comment" || status=$?
if [[ $status -eq 0 ]]; then
  echo "schedule unchanged against $baseline" >&2
elif [[ $status -ne 1 ]]; then
  echo "nncc diff failed (exit $status)" >&2
  exit "$status"
fi

token=${GH_TOKEN:-${GITHUB_TOKEN:-}}
if [[ -n $token && -n ${PR_NUMBER:-} ]] && command -v gh > /dev/null; then
  GH_TOKEN=$token gh pr comment "$PR_NUMBER" --body-file "$comment"
  echo "posted the schedule diff to pull request #$PR_NUMBER" >&2
else
  cat "$comment"
fi
