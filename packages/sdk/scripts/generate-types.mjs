#!/usr/bin/env node
// Writes src/generated/openapi.ts from openapi/hejie.openapi.json with openapi-typescript.
// The SDK's drift test imports `generateTypes` and compares its answer with the committed
// file, so the file can only ever be what this function produces from the committed spec.
import { readFile, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import openapiTS, { astToString } from 'openapi-typescript'

export const specFile = fileURLToPath(new URL('../../../openapi/hejie.openapi.json', import.meta.url))
export const typesFile = fileURLToPath(new URL('../src/generated/openapi.ts', import.meta.url))

const banner = `// Generated from openapi/hejie.openapi.json by \`pnpm --filter @hejie/sdk generate\`: do not edit.
// Regenerate after \`pnpm openapi\`; a test fails while this file and the spec disagree.

`

/** The TypeScript source of the generated types for the spec at `specFile`. */
export async function generateTypes() {
  const spec = JSON.parse(await readFile(specFile, 'utf8'))
  return banner + astToString(await openapiTS(spec))
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await writeFile(typesFile, await generateTypes())
  console.log(`wrote ${typesFile}`)
}
