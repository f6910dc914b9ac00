import { LocalBackend, S3Backend, type TerraformStack } from 'cdktf';
import { join, relative, resolve } from 'node:path';
import { spacesEndpoint } from '../facts/digitalocean';
import type { ResolvedState } from '../config/model';

/**
 * Where a stack keeps its state.
 *
 * local: `<directory>/<stack>.tfstate` in the project, written as a path relative to the stack's
 * working directory (cdktf.out/stacks/<stack>), not cdktf's default absolute path, so the
 * synthesized JSON is the same on every machine and state survives a wiped cdktf.out.
 *
 * spaces: the S3 backend on a Spaces bucket, one key per stack; credentials come from
 * AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (a Spaces key).
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
    // Spaces ignores the region; the S3 client needs a valid AWS one.
    region: 'us-east-1',
    endpoints: { s3: spacesEndpoint(state.region) },
    skipCredentialsValidation: true,
    skipRequestingAccountId: true,
    skipMetadataApiCheck: true,
    skipRegionValidation: true,
    skipS3Checksum: true,
  });
  if (state.lockfile) {
    // cdktf 0.21's S3Backend has no useLockfile property.
    stack.addOverride('terraform.backend.s3.use_lockfile', true);
  }
}

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
