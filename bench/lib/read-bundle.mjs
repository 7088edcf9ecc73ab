// The floor of verifying an export bundle: read the NDJSON file and parse every line, and
// nothing else. `node read-bundle.mjs FILE` prints the number of lines.
import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'

let lines = 0
for await (const line of createInterface({ input: createReadStream(process.argv[2]), crlfDelay: Infinity })) {
  if (line === '') continue
  JSON.parse(line)
  lines += 1
}
console.log(lines)
