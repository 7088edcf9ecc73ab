import { readFile } from 'node:fs/promises'
import { text } from 'node:stream/consumers'

/**
 * A JSON object read from a file, or from standard input when the file is left out or is
 * `-`, so that a script can pipe a body it builds (`jq … | hejie disputes create`). What it
 * describes is `what` in messages ("the intake"). A terminal on standard input is refused
 * rather than waited on: nobody types a complaint's JSON by hand.
 */
export async function readJsonObject(
  file: string | undefined,
  what: string,
): Promise<Record<string, unknown>> {
  const fromStdin = file === undefined || file === '-'
  if (fromStdin && process.stdin.isTTY) {
    throw new Error(`Give ${what} as a JSON file, or pipe it to standard input.`)
  }
  const source = fromStdin ? 'standard input' : file
  const where = fromStdin ? 'on standard input' : `in ${file}`
  let content: string
  try {
    content = fromStdin ? await text(process.stdin) : await readFile(file, 'utf8')
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message
    throw new Error(`Cannot read ${what} from ${source}: ${reason}.`)
  }
  if (content.trim() === '') throw new Error(`${capitalised(what)} ${where} is empty.`)
  let value: unknown
  try {
    value = JSON.parse(content)
  } catch (error) {
    throw new Error(`${capitalised(what)} ${where} is not valid JSON: ${(error as Error).message}.`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${capitalised(what)} ${where} must be a JSON object ({ … }).`)
  }
  return value as Record<string, unknown>
}

function capitalised(words: string): string {
  return words.charAt(0).toUpperCase() + words.slice(1)
}
