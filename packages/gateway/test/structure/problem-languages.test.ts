import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import ts from 'typescript'

/**
 * Every problem is written in both languages where it is raised: each `problem(code, detail)`
 * and `new ProblemError(code, detail)` in the gateway's source gives its detail as an object
 * literal `{ en, zh }` (or a choice between such literals), whose `zh` is Chinese text, or
 * passes on the `zh` of a text written in both languages elsewhere (`reason.zh`). TypeScript
 * already requires both members; this keeps a `zh` from being English copied over, and keeps
 * new call sites in the same readable form.
 */
const gatewaySrc = fileURLToPath(new URL('../../src/', import.meta.url))
/** Chinese characters or Chinese punctuation (a template may only join Chinese texts: `${a}。`). */
const chinese = /[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]/

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return entry.name.endsWith('.ts') ? [path] : []
  })
}

interface CallSite {
  where: string
  detail: ts.Expression | undefined
}

function callSites(): CallSite[] {
  const sites: CallSite[] = []
  for (const file of sourceFiles(gatewaySrc)) {
    const text = readFileSync(file, 'utf8')
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true)
    const visit = (node: ts.Node): void => {
      const isProblemCall =
        ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'problem'
      const isProblemError =
        ts.isNewExpression(node) &&
        ts.isIdentifier(node.expression) &&
        node.expression.text === 'ProblemError'
      if (isProblemCall || isProblemError) {
        const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1
        // The one place a detail is passed on as it is: `problem()` itself.
        if (relative(gatewaySrc, file) !== 'errors.ts')
          sites.push({ where: `${relative(gatewaySrc, file)}:${line}`, detail: node.arguments?.[1] })
      }
      ts.forEachChild(node, visit)
    }
    visit(source)
  }
  return sites
}

/** Why a detail is not written in both languages, or undefined when it is. */
function missingChinese(detail: ts.Expression | undefined): string | undefined {
  if (detail === undefined) return 'no detail'
  let expression = detail
  while (ts.isParenthesizedExpression(expression)) expression = expression.expression
  if (ts.isConditionalExpression(expression)) {
    return missingChinese(expression.whenTrue) ?? missingChinese(expression.whenFalse)
  }
  if (!ts.isObjectLiteralExpression(expression)) return `not a { en, zh } literal: ${expression.getText()}`
  const member = (name: string) =>
    expression.properties.find(
      (property): property is ts.PropertyAssignment =>
        ts.isPropertyAssignment(property) && property.name.getText() === name,
    )
  if (!member('en')) return 'no en'
  const zh = member('zh')
  if (!zh) return 'no zh'
  const value = zh.initializer
  if (ts.isPropertyAccessExpression(value) && value.name.text === 'zh') return undefined
  if (!chinese.test(value.getText())) return `a zh without Chinese: ${value.getText()}`
  return undefined
}

const sites = callSites()

t.test('the structure test finds the problem call sites', async (t) => {
  t.ok(sites.length >= 130, `${sites.length} call sites`)
})

t.test('every problem call site in src gives its detail in Chinese as well as English', async (t) => {
  const missing = sites.flatMap(({ where, detail }) => {
    const why = missingChinese(detail)
    return why ? [`${where}: ${why}`] : []
  })
  t.same(missing, [], 'call sites without a Chinese detail')
})

t.test('every zh text in src written as a literal is Chinese', async (t) => {
  const english: string[] = []
  // language.ts maps each language to its content-language tag, which is not a text for people.
  for (const file of sourceFiles(gatewaySrc).filter((path) => !path.endsWith('language.ts'))) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true)
    const visit = (node: ts.Node): void => {
      if (
        ts.isPropertyAssignment(node) &&
        node.name.getText() === 'zh' &&
        (ts.isStringLiteral(node.initializer) || ts.isTemplateLiteral(node.initializer)) &&
        !chinese.test(node.initializer.getText())
      ) {
        const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1
        english.push(`${relative(gatewaySrc, file)}:${line}: ${node.initializer.getText()}`)
      }
      ts.forEachChild(node, visit)
    }
    visit(source)
  }
  t.same(english, [])
})
