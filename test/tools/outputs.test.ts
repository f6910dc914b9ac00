import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutputsError, parseStackOutputs, readStackOutputs, selectBucket } from '../../tools/outputs';
import { SEANCE_PROD_OUTPUT } from './fixtures';

const media = {
  bucket: 'seance-cdn',
  region: 'sfo3',
  endpoint: 'https://sfo3.digitaloceanspaces.com',
  cdn_endpoint: 'https://seance-cdn.sfo3.cdn.digitaloceanspaces.com',
  prefix: 'prod',
  public_base_url: 'https://seance-cdn.sfo3.cdn.digitaloceanspaces.com/prod',
  public_prefixes: ['releases', 'web'],
  private_prefixes: [],
  access: 'acl',
};
const credentials = { access_key_id: 'DO00KEY', secret_access_key: 'secret' };

describe('parseStackOutputs', () => {
  it('reads the stack entry of a cdktf outputs file', () => {
    const outputs = parseStackOutputs({ 'seance-prod': { storage: { media }, credentials } }, 'seance-prod', 'f.json');
    expect(outputs.buckets).toEqual([{ ...SEANCE_PROD_OUTPUT, cors: undefined }]);
  });

  it('reads the value wrappers of terraform output -json, sensitive values included', () => {
    const json = {
      storage: { sensitive: false, type: ['object', []], value: { media } },
      credentials: { sensitive: true, type: ['object', []], value: credentials },
    };
    expect(parseStackOutputs(json, 'seance-prod', 'tofu').credentials).toEqual({ accessKeyId: 'DO00KEY', secretAccessKey: 'secret' });
  });

  it('leaves credentials undefined when cdktf withheld the sensitive output', () => {
    expect(parseStackOutputs({ 'seance-prod': { storage: { media } } }, 'seance-prod', 'f.json').credentials).toBeUndefined();
  });

  it('reads CORS rules when the storage output carries them', () => {
    const withCors = { ...media, cors: [{ allowed_origins: ['https://seance.dev'], allowed_methods: ['GET'] }] };
    const [bucket] = parseStackOutputs({ storage: { media: withCors } }, 'seance-prod', 'f.json').buckets;
    expect(bucket.cors).toEqual([{ allowedOrigins: ['https://seance.dev'], allowedMethods: ['GET'], allowedHeaders: [] }]);
  });

  it('names the stacks the file has when the asked one is missing', () => {
    expect(() => parseStackOutputs({ 'seance-dev': { storage: { media } } }, 'seance-prod', 'f.json')).toThrow(
      /no outputs for stack "seance-prod" \(it has outputs for seance-dev\)/,
    );
  });

  it('explains that the shared stack has no storage output', () => {
    expect(() => parseStackOutputs({ 'seance-shared': { bucket_name: 'x' } }, 'seance-shared', 'f.json')).toThrow(/not on <app>-shared/);
  });

  it('names the field of a storage output that is not as expected', () => {
    const broken = { ...media, region: 3 };
    expect(() => parseStackOutputs({ storage: { media: broken } }, 'seance-prod', 'f.json')).toThrow(/storage\.media\.region/);
  });
});

describe('selectBucket', () => {
  const outputs = parseStackOutputs({ storage: { media, backups: { ...media, bucket: 'b' } } }, 'chronos-prod', 'f.json');

  it('asks for --role when the stack has several buckets', () => {
    expect(() => selectBucket(outputs, undefined)).toThrow(/several buckets \(media, backups\): choose one with --role/);
  });

  it('finds the named role', () => {
    expect(selectBucket(outputs, 'backups').bucket).toBe('b');
  });
});

describe('readStackOutputs', () => {
  it('reads an outputs file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'outputs-')), 'outputs.json');
    writeFileSync(file, JSON.stringify({ 'seance-prod': { storage: { media } } }));
    await expect(readStackOutputs('seance-prod', { outputsFile: file })).resolves.toMatchObject({ stack: 'seance-prod' });
  });

  it('asks the Terraform binary for the outputs in the stack directory', async () => {
    // GIVEN a synthesized stack directory and a stand-in for `tofu output -json`
    const outdir = mkdtempSync(join(tmpdir(), 'cdktf-out-'));
    mkdirSync(join(outdir, 'stacks', 'seance-prod'), { recursive: true });
    const binary = join(outdir, 'fake-tofu');
    const json = JSON.stringify({ storage: { sensitive: false, type: 'object', value: { media } }, credentials: { sensitive: true, type: 'object', value: credentials } });
    writeFileSync(binary, `#!/bin/sh\n[ "$1 $2" = "output -json" ] && [ "$(basename "$PWD")" = seance-prod ] && echo '${json}'\n`);
    chmodSync(binary, 0o755);
    // WHEN the outputs are read without a file
    const outputs = await readStackOutputs('seance-prod', { outdir, terraformBinary: binary });
    // THEN they come from the binary, run in the stack's directory
    expect(outputs.credentials?.accessKeyId).toBe('DO00KEY');
  });

  it('says to synthesize when the stack directory does not exist', async () => {
    const outdir = mkdtempSync(join(tmpdir(), 'cdktf-out-'));
    await expect(readStackOutputs('seance-prod', { outdir })).rejects.toThrow(OutputsError);
  });
});

describe('readStackOutputs before the first deploy', () => {
  async function failure(promise: Promise<unknown>): Promise<Error> {
    try {
      await promise;
    } catch (error) {
      return error as Error;
    }
    throw new Error('expected the outputs to be refused');
  }

  /** A synthesized seance-prod (depending on seance-shared, as the manifest says) and a stand-in Terraform running `script`. */
  function synthesized(script: string): { outdir: string; terraformBinary: string } {
    const outdir = mkdtempSync(join(tmpdir(), 'cdktf-out-'));
    mkdirSync(join(outdir, 'stacks', 'seance-prod'), { recursive: true });
    const manifest = { stacks: { 'seance-prod': { dependencies: ['seance-shared'] }, 'seance-shared': { dependencies: [] } } };
    writeFileSync(join(outdir, 'manifest.json'), JSON.stringify(manifest));
    const terraformBinary = join(outdir, 'fake-terraform');
    writeFileSync(terraformBinary, `#!/bin/sh\n${script}\n`);
    chmodSync(terraformBinary, 0o755);
    return { outdir, terraformBinary };
  }

  it('says which stacks to deploy and how, in one line, when the stack directory is not initialised', async () => {
    // GIVEN Terraform's answer in a directory init never ran in, coloured as it prints it into a pipe
    const source = synthesized(`printf '\\033[31m│\\033[0m \\033[1m\\033[31mError: \\033[0mBackend initialization required, please run "terraform init"\\n' >&2; exit 1`);
    // WHEN the outputs are read THEN the message names the deploy command, dependencies first
    const error = await failure(readStackOutputs('seance-prod', source));
    expect(error).toBeInstanceOf(OutputsError);
    expect(error.message).toMatch(
      /^seance-prod is not deployed yet \(.*stacks\/seance-prod is not initialised\): deploy it with `npm run apply -- seance-prod` \(after `npm run apply -- seance-shared`, which it reads\); if it is deployed from elsewhere, `npm run plan -- seance-prod` initialises this directory, or pass --outputs-file$/,
    );
    expect(error.message).not.toContain('\n');
  });

  it('says the stack is not deployed when its state has no outputs (initialised, never applied)', async () => {
    const source = synthesized(`echo '{}'`);
    await expect(readStackOutputs('seance-prod', source)).rejects.toThrow(
      'seance-prod is not deployed yet (its Terraform state has no outputs): deploy it with `npm run apply -- seance-prod` (after `npm run apply -- seance-shared`, which it reads), or pass --outputs-file',
    );
  });

  it('repeats the config named on the command line in the deploy commands', async () => {
    const source = { ...synthesized(`echo '{}'`), config: 'examples/seance.yaml' };
    await expect(readStackOutputs('seance-prod', source)).rejects.toThrow(
      'deploy it with `npm run apply -- seance-prod --config examples/seance.yaml` (after `npm run apply -- seance-shared --config examples/seance.yaml`, which it reads)',
    );
  });

  it("strips Terraform's colour codes from any other failure", async () => {
    const source = synthesized(`printf '\\033[31mError: \\033[0mNo valid credential sources found\\n' >&2; exit 1`);
    const error = await failure(readStackOutputs('seance-prod', source));
    expect(error.message).toMatch(/output -json in .* failed: Error: No valid credential sources found$/);
    expect(error.message).not.toContain('\u001b');
  });
});
