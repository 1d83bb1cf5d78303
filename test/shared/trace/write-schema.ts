/**
 * Writes docs/trace.schema.json from the zod schemas in src/shared/trace/schema.ts:
 *   npx tsx test/shared/trace/write-schema.ts
 * schema.test.ts fails when the committed file is out of date.
 */
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { format, resolveConfig } from 'prettier'
import { traceJsonSchema } from '../../../src/shared/trace/schema'

export const SCHEMA_PATH = new URL('../../../docs/trace.schema.json', import.meta.url)

/** The schema as the committed file holds it (formatted as `npm run lint` wants it). */
export async function schemaText(): Promise<string> {
  const filepath = fileURLToPath(SCHEMA_PATH)
  const options = (await resolveConfig(filepath)) ?? {}
  return format(JSON.stringify(traceJsonSchema()), { ...options, filepath })
}

if (process.argv[1]?.endsWith('write-schema.ts')) {
  writeFileSync(SCHEMA_PATH, await schemaText())
  console.log(`wrote ${SCHEMA_PATH.pathname}`)
}
