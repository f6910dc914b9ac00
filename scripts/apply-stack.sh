#!/usr/bin/env bash
# A deploy that cannot lose data or cut an app off by accident:
#   npm run apply -- <stack> [--config <file>] [--auto-approve] [--allow <address>]…
#
#   1. synthesizes the config (--config, else $STORAGE_CONFIG, else storage.yaml), as `cdktf deploy`
#      would, and refuses a stack that config does not have;
#   2. refuses to plan an environment stack whose shared stack has not been applied, naming it;
#   3. plans the stack into a saved plan, with secrets/<stack>.tfvars when it exists;
#   4. `check-plan` refuses the plan if it deletes or replaces a bucket, a namespace or an access
#      key, unless each is allowed by its address (--allow, or $ALLOW_DELETION, space-separated);
#   5. applies exactly the plan that was checked (after a y/N prompt without --auto-approve).
#
# Uses $TERRAFORM_BINARY_NAME (tofu or terraform; default terraform), like cdktf. State backend
# keys come from STATE_ACCESS_KEY_ID/STATE_SECRET_ACCESS_KEY. The GitHub deploy workflows run
# this; from a workstation it is the careful alternative to `cdktf deploy`.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib/stack.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/stack.sh"
usage_line="npm run apply -- <stack> [--config <file>] [--auto-approve] [--allow <address>]..."
stack_argument "$@"
shift
auto_approve=0
allow=()
read -r -a allow <<<"${ALLOW_DELETION:-}"
while [[ $# -gt 0 ]]; do
  case $1 in
    --auto-approve) auto_approve=1 ;;
    --allow) [[ $# -ge 2 ]] || usage; allow+=("$2"); shift ;;
    --config) [[ $# -ge 2 ]] || usage; config=$2; shift ;;
    *) usage ;;
  esac
  shift
done

prepare_stack
"$binary" -chdir="$dir" plan -input=false "${var_args[@]}" -out=apply.tfplan

guard_args=()
for address in "${allow[@]}"; do guard_args+=(--allow "$address"); done
if ! npm run -s check-plan -- "$dir/apply.tfplan" "${guard_args[@]}"; then
  rm -f "$dir/apply.tfplan"
  exit 1
fi

if [[ $auto_approve -eq 0 ]]; then
  read -r -p "Apply this plan to $stack? [y/N] " answer
  if [[ ! $answer =~ ^[Yy]$ ]]; then
    echo "Not applied." >&2
    rm -f "$dir/apply.tfplan"
    exit 1
  fi
fi
"$binary" -chdir="$dir" apply -input=false "${var_args[@]}" apply.tfplan
rm -f "$dir/apply.tfplan"
