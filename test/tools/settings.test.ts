import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig } from '../../config/load';
import { renderDotenv } from '../../tools/env/dotenv';
import { settingsLines, settingsValues } from '../../tools/env/settings';
import { SEANCE_PROD_OUTPUT } from './fixtures';

const PROJECT = join(__dirname, '..', '..');

function environment(example: string, name: string) {
  const { config } = parseConfig(readFileSync(join(PROJECT, 'examples', example), 'utf8'), example);
  return config.environments.find((env) => env.name === name)!;
}


describe('settings from the outputs', () => {
  const prod = environment('seance.yaml', 'prod');
  const bucket = prod.buckets[0];

  it('writes the keys of the seance guide with the deployed values (seed 002)', () => {
    const values = settingsValues({ output: SEANCE_PROD_OUTPUT, bucket, environment: prod, credentials: { accessKeyId: 'DO00KEY', secretAccessKey: 's3cr3t' } });
    expect(renderDotenv(settingsLines(values, prod.settings))).toBe(
      [
        'SPACES_ACCESS_KEY_ID=DO00KEY',
        'SPACES_SECRET_ACCESS_KEY=s3cr3t',
        'SPACES_BUCKET=seance-cdn',
        'SPACES_REGION=sfo3',
        'SPACES_ENDPOINT=https://sfo3.digitaloceanspaces.com',
        'SPACES_CDN_ENDPOINT=https://seance-cdn.sfo3.cdn.digitaloceanspaces.com',
        'SPACES_PATH_PREFIX=prod',
        '',
      ].join('\n'),
    );
  });

  it('withholds the credentials unless they are given', () => {
    const lines = settingsLines(settingsValues({ output: SEANCE_PROD_OUTPUT, bucket, environment: prod }), prod.settings);
    expect(lines.filter((line) => line.kind === 'withheld').map((line) => (line.kind === 'withheld' ? line.key : ''))).toEqual([
      'SPACES_ACCESS_KEY_ID',
      'SPACES_SECRET_ACCESS_KEY',
    ]);
  });

  it('gives django-storages its custom domain, ACL and addressing style (seed 000)', () => {
    const kms = environment('kms-connect.yaml', 'prod');
    const output = { ...SEANCE_PROD_OUTPUT, bucket: 'kms-connect-media', prefix: '', cdnEndpoint: 'https://kms-connect-media.sgp1.cdn.digitaloceanspaces.com', publicPrefixes: ['media'] };
    const values = settingsValues({ output, bucket: kms.buckets[0], environment: kms });
    expect(values).toMatchObject({
      customDomain: 'kms-connect-media.sgp1.cdn.digitaloceanspaces.com',
      defaultAcl: 'public-read',
      addressingStyle: 'virtual',
      pathPrefix: '',
    });
  });

  it('refuses outputs whose prefix is not the config\'s, which means the config changed since the deploy', () => {
    expect(() => settingsValues({ output: { ...SEANCE_PROD_OUTPUT, prefix: 'production' }, bucket, environment: prod })).toThrow(/deploy the current config first/);
  });
});
