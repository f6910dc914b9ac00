#!/usr/bin/env bash
# A deploy that cannot lose data by accident: `npm run apply -- <stack> [--auto-approve] [--allow <address>…]`
#
#   1. synthesizes the config ($STORAGE_CONFIG or storage.yaml), as `cdktf deploy` would;
#   2. plans the stack into a saved plan;
#   3. `check-plan` refuses the plan if it deletes or replaces a bucket or a namespace, unless each
#      such resource is allowed by its address (--allow, or $ALLOW_DELETION, space-separated);
#   4. applies exactly the plan that was checked (after a y/N prompt without --auto-approve).
#
# Uses $TERRAFORM_BINARY_NAME (tofu or terraform; default terraform), like cdktf. The GitHub deploy
# workflows run this; from a workstation it is the careful alternative to `cdktf deploy`.
set -euo pipefail

usage() { echo "usage: npm run apply -- <stack> [--auto-approve] [--allow <address>]..." >&2; exit 2; }

[[ $# -ge 1 && $1 != -* ]] || usage
stack=$1
shift
auto_approve=0
allow=()
read -r -a allow <<<"${ALLOW_DELETION:-}"
while [[ $# -gt 0 ]]; do
  case $1 in
    --auto-approve) auto_approve=1 ;;
    --allow) [[ $# -ge 2 ]] || usage; allow+=("$2"); shift ;;
    *) usage ;;
  esac
  shift
done

project=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
binary=${TERRAFORM_BINARY_NAME:-terraform}
cd "$project"

npm run -s synth
# cdktf writes to $CDKTF_OUTDIR when it is set, else to cdktf.out.
outdir=${CDKTF_OUTDIR:-cdktf.out}
dir=$outdir/stacks/$stack
if [[ ! -f $dir/cdk.tf.json ]]; then
  echo "error: the config has no stack $stack (synthesized: $(cd "$outdir/stacks" && printf '%s ' */ | tr -d /))" >&2
  exit 2
fi

"$binary" -chdir="$dir" init -input=false
"$binary" -chdir="$dir" plan -input=false -out=apply.tfplan

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
"$binary" -chdir="$dir" apply -input=false apply.tfplan
rm -f "$dir/apply.tfplan"
