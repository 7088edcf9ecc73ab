/**
 * Writes the configuration table into the README between its markers
 * (`pnpm config:reference`), from the same declarations the gateway validates with.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { configurationTable } from '../config.js'

export const START = '<!-- configuration:start -->'
export const END = '<!-- configuration:end -->'

const readme = new URL('../../../../README.md', import.meta.url)
const text = readFileSync(readme, 'utf8')
const start = text.indexOf(START)
const end = text.indexOf(END)
if (start < 0 || end < start) throw new Error(`README.md lacks the ${START} … ${END} markers`)
writeFileSync(readme, `${text.slice(0, start + START.length)}\n${configurationTable()}\n${text.slice(end)}`)
console.log('wrote the configuration table into README.md')
