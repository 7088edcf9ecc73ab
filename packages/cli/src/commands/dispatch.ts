import type { DispatchPreviewParams, RoutingRule, RoutingRuleCreateParams } from '@hejie/sdk'
import { type Command, InvalidArgumentError, Option } from 'commander'
import { connect } from '../connection.js'
import { t } from '../i18n/index.js'
import { readJsonObject } from '../json-input.js'
import { jurisdictionId } from '../jurisdiction-ref.js'
import { fields, table } from '../output.js'
import { several } from './options.js'

function json(value: unknown): void {
  console.log(JSON.stringify(value, null, 2))
}

function wholeNumber(value: string): number {
  const number = Number(value)
  if (!Number.isInteger(number) || number < 0)
    throw new InvalidArgumentError('expected a whole number of 0 or more')
  return number
}

/** A rule's conditions in one line: what must match. */
export function conditionsText(conditions: RoutingRule['conditions']): string {
  const parts = [
    conditions.problem_type && `problem_type=${conditions.problem_type}`,
    conditions.category && `category=${conditions.category}`,
    conditions.area_code_prefix && `area_code^=${conditions.area_code_prefix}`,
    conditions.channel && `channel=${conditions.channel}`,
    conditions.keywords && `keywords=${conditions.keywords.join('|')}`,
  ].filter(Boolean)
  return parts.length === 0 ? '(any complaint)' : parts.join(' ')
}

/** `hejie dispatch preview`: what intake would do with a complaint, and why. */
export function dispatchCommand(program: Command): void {
  const dispatch = program.command('dispatch').description(t('dispatch.description'))
  dispatch
    .command('preview')
    .description('show whom intake would route a complaint to, and why, changing nothing')
    .option('--file <path>', 'read the intake body from this file (default: standard input)')
    .option('--json', 'print the preview as JSON, as the API returns it')
    .addHelpText('after', '\nExample:\n  hejie dispatch preview < intake.json')
    .action(async (options: { file?: string; json?: boolean }) => {
      const intake = (await readJsonObject(
        options.file,
        t('json.intake'),
      )) as unknown as DispatchPreviewParams
      const preview = await (await connect()).dispatch.preview(intake)
      if (options.json) return json(preview)
      console.log(
        fields([
          ['Assignee', `${preview.assignee.type} ${preview.assignee.id}`],
          ['Matched by', preview.routing.matched_by],
          ['Rule', preview.routing.rule_id],
          ['Why', preview.routing.explanation],
        ]),
      )
    })
}

interface CreateOptions {
  priority: number
  unit: string
  jurisdiction?: string
  problemType?: string
  category?: string
  areaCodePrefix?: string
  channel?: string
  keyword?: string[]
  disabled?: boolean
  json?: boolean
}

/** `hejie routing-rules list|create`: the dispatcher's rules of your subtree. */
export function routingRulesCommand(program: Command): void {
  const rules = program.command('routing-rules').description(t('routingRules.description'))

  rules
    .command('list')
    .description(
      'list the routing rules of your jurisdiction and below, in the order they are tried per jurisdiction',
    )
    .option('--jurisdiction <id or code>', "only this jurisdiction's rules")
    .option('--json', 'print the rules as JSON, as the API returns them')
    .action(async (options: { jurisdiction?: string; json?: boolean }) => {
      const hejie = await connect()
      const shown: RoutingRule[] = []
      for await (const rule of hejie.routingRules.list({
        ...(options.jurisdiction
          ? { jurisdiction_id: await jurisdictionId(hejie, options.jurisdiction) }
          : {}),
        limit: 100,
      })) {
        shown.push(rule)
      }
      shown.sort(
        (a, b) =>
          a.jurisdiction_id.localeCompare(b.jurisdiction_id) ||
          a.priority - b.priority ||
          a.id.localeCompare(b.id),
      )
      if (options.json) return json(shown)
      if (shown.length === 0) return console.log('No routing rules.')
      console.log(
        table(
          ['ID', 'JURISDICTION', 'PRIORITY', 'ENABLED', 'CONDITIONS', 'UNIT'],
          shown.map((rule) => [
            rule.id,
            rule.jurisdiction_id,
            String(rule.priority),
            rule.enabled ? 'yes' : 'no',
            conditionsText(rule.conditions),
            rule.target.unit_id,
          ]),
        ),
      )
    })

  rules
    .command('create')
    .description('create a routing rule: complaints matching all its conditions go to the unit')
    .requiredOption('--priority <n>', 'lower is tried first, within one jurisdiction', wholeNumber)
    .requiredOption('--unit <id>', 'the handling unit that receives the complaints (hnu_…)')
    .option(
      '--jurisdiction <id or code>',
      'the rule applies to complaints received here and below (default: yours)',
    )
    .option('--problem-type <type>', 'condition: the problem type, e.g. food_safety')
    .option('--category <category>', 'condition: the category, exactly')
    .option('--area-code-prefix <code>', "condition: the respondent's area code starts with it")
    .addOption(
      new Option('--channel <channel>', 'condition: the intake channel').choices([
        'hotline_12315',
        'hotline_12345',
        'web',
        'app',
        'mini_program',
        'walk_in',
      ]),
    )
    .option(
      '--keyword <word...>',
      "condition: any of these occurs in the claim or the respondent's name (repeat, or separate with commas)",
      several(),
    )
    .option('--disabled', 'create it disabled')
    .option('--json', 'print the rule as JSON, as the API returns it')
    .action(async (options: CreateOptions) => {
      const hejie = await connect()
      const conditions = {
        ...(options.problemType ? { problem_type: options.problemType } : {}),
        ...(options.category ? { category: options.category } : {}),
        ...(options.areaCodePrefix ? { area_code_prefix: options.areaCodePrefix } : {}),
        ...(options.channel ? { channel: options.channel } : {}),
        ...(options.keyword ? { keywords: options.keyword } : {}),
      } as RoutingRuleCreateParams['conditions']
      const rule = await hejie.routingRules.create({
        priority: options.priority,
        enabled: !options.disabled,
        conditions,
        target: { unit_id: options.unit },
        ...(options.jurisdiction
          ? { jurisdiction_id: await jurisdictionId(hejie, options.jurisdiction) }
          : {}),
      })
      if (options.json) return json(rule)
      console.log(
        fields([
          ['Routing rule', rule.id],
          ['Jurisdiction', rule.jurisdiction_id],
          ['Priority', String(rule.priority)],
          ['Enabled', rule.enabled ? 'yes' : 'no'],
          ['Conditions', conditionsText(rule.conditions)],
          ['Unit', rule.target.unit_id],
        ]),
      )
    })
}
