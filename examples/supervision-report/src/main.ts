import { run } from './report.js'

process.exitCode = await run({ argv: process.argv.slice(2), env: process.env })
