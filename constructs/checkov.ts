import { Lazy, type TerraformResource } from 'cdktf';

/**
 * Reasoned checkov skips, written next to the resource they concern, in its "//" metadata:
 *
 *   "//": { "checkov": ["checkov:skip=CKV_AWS_18:<why the check does not apply here>"] }
 *
 * The strings use checkov's own suppression syntax. checkov 3.3's terraform_json framework (the
 * one that scans cdk.tf.json) does not read suppressions itself, so the engine tier's
 * scripts/engine/checkov.sh applies them: a failed check passes only when its resource names it
 * here with a reason.
 */
const skips = new WeakMap<TerraformResource, Map<string, string>>();

const CHECK_ID = /^CKV2?_[A-Z0-9]+_\d+$/;

/** Declares that `checkId` does not apply to `resource`, and why (one line, not empty). */
export function skipCheckov(resource: TerraformResource, checkId: string, reason: string): void {
  if (!CHECK_ID.test(checkId)) throw new Error(`${checkId} is not a checkov check id (CKV_AWS_18, CKV2_AWS_6, …)`);
  if (reason.trim() === '' || /[\r\n]/.test(reason)) throw new Error(`the reason for skipping ${checkId} must be one non-empty line`);
  let byCheck = skips.get(resource);
  if (byCheck === undefined) {
    const created = new Map<string, string>();
    byCheck = created;
    skips.set(resource, created);
    // Produced at synth, so a skip withdrawn after construction (unskipCheckov) is not written.
    resource.addOverride('//.checkov', Lazy.anyValue({
      produce: () => (created.size === 0 ? undefined : [...created].map(([id, why]) => `checkov:skip=${id}:${why}`)),
    }));
  }
  byCheck.set(checkId, reason.trim());
}

/** Withdraws a skip, e.g. once the resource is configured so that the check passes. */
export function unskipCheckov(resource: TerraformResource, checkId: string): void {
  skips.get(resource)?.delete(checkId);
}
