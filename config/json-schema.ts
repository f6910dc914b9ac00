/**
 * Writes schema/storage.schema.json from the zod definition, so editors (yaml-language-server)
 * complete and check storage.yaml. `npm run schema`; a test fails when the file is stale.
 */
import { writeFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigSchema } from './schema';

export const JSON_SCHEMA_FILE = 'schema/storage.schema.json';

export function configJsonSchema(): string {
  const schema = z.toJSONSchema(ConfigSchema, { io: 'input', target: 'draft-7' });
  return `${JSON.stringify({ ...schema, title: 'cdktf-media-storage storage.yaml' }, null, 2)}\n`;
}

if (require.main === module) {
  writeFileSync(JSON_SCHEMA_FILE, configJsonSchema());
  console.log(`wrote ${JSON_SCHEMA_FILE}`);
}
