// The test log for a reader that is not a terminal (CI): plain text, no escape sequences.
// One line per test file as it finishes, with its counts and time; under a failing file,
// each failed assertion with the subtests it is in and its diagnostic (diff, file and line,
// stack, source); at the end, the totals and the failed files again.
//
// A Transform from the TAP that `tap --reporter=tap` writes to this report: scripts/test.mjs
// pipes tap's output through it. It also works as a reporter of its own,
// `tap --reporter=./scripts/tap-lines.mjs`, though not together with --output-file (tap then
// copies the raw TAP to the terminal as well).
//
// It reads the TAP that tap itself writes: every file is a subtest at the top level, nested
// subtests are indented four spaces a level, and a test point's YAML diagnostic two more.
import { Transform } from 'node:stream'

const testPoint = /^( *)(not ok|ok)\b(?: \d+)?(?: -)?(?: (.*))?$/
const subtest = /^( *)# Subtest: (.*)$/
const directive = / # (SKIP|TODO)\b(.*)$/i
const timing = / # time=([\d.]+)(ms|s)$/

// in a file's own diagnostic, what says how tap ran it rather than how it ended
const runnerKeys = new Set(['stdio', 'cwd', 'externalID', 'command', 'args', 'jobId'])

function duration(ms) {
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`
}

// drops the top-level keys named (and the lines that continue them) from a YAML block
function withoutKeys(lines, keys) {
  let dropping = false
  return lines.filter((line) => {
    const key = line.match(/^([\w-]+):/)?.[1]
    if (key !== undefined) dropping = keys.has(key)
    else if (!/^[ -]/.test(line)) dropping = false
    return !dropping
  })
}

function counts({ pass, fail, skip, todo }) {
  const parts = [`${pass} passed`]
  if (fail) parts.push(`${fail} failed`)
  if (skip) parts.push(`${skip} skipped`)
  if (todo) parts.push(`${todo} todo`)
  return parts.join(', ')
}

function assertions({ pass, fail, skip, todo }) {
  return pass + fail + skip + todo
}

export default class TapLines extends Transform {
  constructor() {
    super({ decodeStrings: false, encoding: 'utf8' })
    this.buffered = ''
    this.started = Date.now()
    this.names = [] // names[level]: the subtest whose header is at that level
    this.pending = [] // pending[level]: a subtest header at that level awaits its test point
    this.before = [] // before[level]: the file's counts when the subtest at that level began
    this.yaml = null // the diagnostic being read: { indent, lines }
    this.lastPoint = null // the test point a diagnostic would belong to
    this.closing = null // a file's test point, printed once its diagnostic is read
    this.file = this.newFile()
    this.files = { pass: 0, fail: 0 }
    this.total = { pass: 0, fail: 0, skip: 0, todo: 0 }
    this.failed = [] // the files that failed, and the run's own failed test points
  }

  newFile(name = '') {
    return { name, pass: 0, fail: 0, skip: 0, todo: 0, failures: [] }
  }

  _transform(chunk, _encoding, done) {
    const lines = (this.buffered + chunk).split('\n')
    this.buffered = lines.pop() ?? ''
    for (const line of lines) this.line(line)
    done()
  }

  _flush(done) {
    if (this.buffered) this.line(this.buffered)
    if (this.closing) this.endFile()
    this.summary()
    done()
  }

  line(line) {
    if (this.yaml) {
      if (line.trimEnd() === `${' '.repeat(this.yaml.indent)}...`) {
        this.yaml = null
        if (this.closing) this.endFile()
      } else {
        this.yaml.lines.push(line.slice(this.yaml.indent).trimEnd())
      }
      return
    }
    if (this.lastPoint && line.trimEnd() === `${' '.repeat(this.lastPoint.indent + 2)}---`) {
      this.yaml = { indent: this.lastPoint.indent + 2, lines: this.lastPoint.diagnostic }
      return
    }
    this.lastPoint = null
    if (this.closing) this.endFile()

    const header = line.match(subtest)
    if (header) {
      const level = header[1].length / 4
      this.names.length = level
      this.names[level] = header[2]
      this.pending[level] = true
      if (level === 0) this.file = this.newFile(header[2])
      this.before[level] = { fail: this.file.fail, assertions: assertions(this.file) }
      return
    }
    if (/^\s*Bail out!/.test(line)) {
      this.push(`${line.trim()}\n`)
      return
    }
    const point = line.match(testPoint)
    if (point) this.testPoint(point[1].length, point[2] === 'ok', point[3] ?? '')
  }

  testPoint(indent, ok, text) {
    const level = indent / 4
    const time = text.match(timing)
    const ms = time ? Number(time[1]) * (time[2] === 's' ? 1000 : 1) : undefined
    const kind = text.match(directive)?.[1]?.toUpperCase()
    const name = text.replace(timing, '').replace(directive, '')
    const point = { indent, diagnostic: [] }
    this.lastPoint = point

    const path = level === 0 ? [this.file.name || name] : [...this.names.slice(1, level), name]
    if (!this.pending[level]) this.count(ok, kind, path, point)
    else {
      // the end of a subtest, whose assertions were counted one by one. As tap counts them, a
      // subtest with no assertion counts as one itself, and so does one that failed with no
      // failed assertion (a file that crashed, timed out or exited non-zero), with its own
      // diagnostic.
      this.pending[level] = false
      const before = this.before[level]
      if (!ok && !kind && this.file.fail === before.fail) this.count(ok, kind, path, point)
      else if (assertions(this.file) === before.assertions) this.count(ok, kind, path, point)
    }
    // a file's line waits for its diagnostic, which follows its test point
    if (level === 0) this.closing = { ok, name, ms }
  }

  count(ok, kind, path, point) {
    if (kind === 'SKIP') this.file.skip++
    else if (kind === 'TODO') this.file.todo++
    else if (ok) this.file.pass++
    else {
      this.file.fail++
      this.file.failures.push({ path, point })
    }
  }

  endFile() {
    const { ok, name, ms } = this.closing
    this.closing = null
    // a test point of the run itself rather than of a file (tap's own timeout, say)
    const ofRun = !this.file.name
    const file = this.file.name || name
    const failed = !ok || this.file.fail > 0
    const time = ms === undefined ? '' : `, ${duration(ms)}`
    this.push(`${failed ? 'FAIL' : 'ok  '} ${file} (${counts(this.file)}${time})\n`)
    for (const key of ['pass', 'fail', 'skip', 'todo']) this.total[key] += this.file[key]
    if (!ofRun) this.files[failed ? 'fail' : 'pass']++
    if (failed) {
      this.failed.push(file)
      for (const { path, point } of this.file.failures) {
        const diagnostic = withoutKeys(point.diagnostic, runnerKeys)
        const text = diagnostic.map((line) => (line ? `    ${line}` : '')).join('\n')
        this.push(`\n  not ok: ${path.join(' > ')}\n${text}\n\n`)
      }
    }
    this.file = this.newFile()
    this.names.length = 0
    this.pending.length = 0
  }

  summary() {
    const files = this.files.pass + this.files.fail
    this.push(
      `\n${files} test file${files === 1 ? '' : 's'}: ${this.files.pass} passed, ${this.files.fail} failed;` +
        ` assertions: ${counts(this.total)}; ${duration(Date.now() - this.started)}\n`,
    )
    if (this.failed.length) this.push(`failed:\n${this.failed.map((f) => `  ${f}\n`).join('')}`)
  }
}
