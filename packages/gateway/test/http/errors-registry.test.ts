import { readFileSync } from 'node:fs'
import t from 'tap'
import { ProblemError, problemTypes } from '../../src/errors.js'

const documented = new Map(
  [
    ...readFileSync(new URL('../../../../docs/errors.md', import.meta.url), 'utf8').matchAll(
      /^\|\s*`([a-z_]+)`\s*\|\s*(\d{3})\s*\|/gm,
    ),
  ].map((row) => [row[1], Number(row[2])]),
)

t.test('every problem code is documented in docs/errors.md with its status', async (t) => {
  for (const [code, { status }] of Object.entries(problemTypes)) {
    t.equal(documented.get(code), status, code)
  }
})

t.test('docs/errors.md documents no code the gateway does not have', async (t) => {
  t.same(
    [...documented.keys()].filter((code) => code === undefined || !(code in problemTypes)),
    [],
  )
})

t.test('a problem body names its code, status, type and request', async (t) => {
  const error = new ProblemError('precondition_failed', {
    en: 'Version 3 is not current.',
    zh: '版本 3 已不是最新版本。',
  })
  t.same(error.toBody('req_1'), {
    type: 'urn:hejie:problem:precondition_failed',
    title: 'The resource has changed since it was read',
    status: 412,
    detail: 'Version 3 is not current.',
    code: 'precondition_failed',
    request_id: 'req_1',
  })
  t.same(error.toBody('req_1', 'zh'), {
    type: 'urn:hejie:problem:precondition_failed',
    title: '资源在读取之后已被修改',
    status: 412,
    detail: '版本 3 已不是最新版本。',
    code: 'precondition_failed',
    request_id: 'req_1',
  })
  t.equal(error.message, 'Version 3 is not current.', 'the message, for logs, is the English detail')
})
