#!/usr/bin/env node
import { disconnect } from './connection.js'
import { createProgram, failure } from './program.js'

try {
  await createProgram().parseAsync()
} catch (error) {
  const { message, code } = failure(error)
  if (message) console.error(`hejie: ${message}`)
  process.exitCode = code
} finally {
  await disconnect()
}
