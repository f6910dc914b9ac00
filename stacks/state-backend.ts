import { LocalBackend, S3Backend, type TerraformStack } from 'cdktf';
import { join, relative, resolve } from 'node:path';
import type { ResolvedRemoteState, ResolvedState } from '../config/model';

/**
 * Where a stack keeps its state.
 *
 * local: `<directory>/<stack>.tfstate` in the project, written as a path relative to the stack's
 * working directory (cdktf.out/stacks/<stack>), not cdktf's default absolute path, so the
 * synthesized JSON is the same on every machine and state survives a wiped cdktf.out.
 *
 * s3: the S3 backend, one key per stack, on AWS, Spaces or an S3-compatible service.
 */
export function configureStateBackend(stack: TerraformStack, state: ResolvedState, paths: StackPaths): void {
  const stackName = stack.node.id;
  if (state.backend === 'local') {
    new LocalBackend(stack, { path: paths.fromStackDir(stackName, join(state.directory, `${stackName}.tfstate`)) });
    return;
  }
  new S3Backend(stack, {
    bucket: state.bucket,
    key: `${state.keyPrefix}/${stackName}.tfstate`,
    ...serviceSettings(state),
    // Keys of its own, in a file of its own (npm run apply and plan write it from STATE_*): without
    // it init fails on the missing profile instead of falling back to the AWS provider's AWS_*
    // variables. cdktf copies these settings into the remote-state reads of other stacks too.
    ...(state.credentials === 'separate'
      ? { profile: state.profile, sharedCredentialsFiles: [paths.fromStackDir(stackName, state.credentialsFile)] }
      : {}),
  });
  if (state.lockfile) {
    // cdktf 0.21's S3Backend has no useLockfile property.
    stack.addOverride('terraform.backend.s3.use_lockfile', true);
  }
}

function serviceSettings(state: ResolvedRemoteState) {
  switch (state.service) {
    case 'aws':
      return { region: state.region, encrypt: true, kmsKeyId: state.kmsKeyArn };
    case 'spaces':
      // Spaces ignores the region; the S3 client needs a valid AWS one.
      return { region: 'us-east-1', endpoints: { s3: state.endpoint }, ...SKIP_AWS_ONLY_CHECKS };
    case 's3-compatible':
      return { region: state.region, endpoints: { s3: state.endpoint }, usePathStyle: state.forcePathStyle ? true : undefined, ...SKIP_AWS_ONLY_CHECKS };
  }
}

/** What only AWS answers: credential validation by STS, the account id, the metadata API, regions, checksums. */
const SKIP_AWS_ONLY_CHECKS = {
  skipCredentialsValidation: true,
  skipRequestingAccountId: true,
  skipMetadataApiCheck: true,
  skipRegionValidation: true,
  skipS3Checksum: true,
};

/** Turns project-relative paths into paths relative to a stack's working directory. */
export class StackPaths {
  constructor(
    private readonly projectDir: string,
    private readonly outdir: string,
  ) {}

  fromStackDir(stackName: string, projectPath: string): string {
    if (projectPath.startsWith('~') || projectPath.startsWith('/')) return projectPath;
    const stackDir = resolve(this.projectDir, this.outdir, 'stacks', stackName);
    return relative(stackDir, resolve(this.projectDir, projectPath));
  }
}
