import type { Jurisdiction, JurisdictionLevel } from '@hejie/sdk'
import { type Command, Option } from 'commander'
import { connect } from '../connection.js'
import { t } from '../i18n/index.js'
import { jurisdictionId } from '../jurisdiction-ref.js'
import { fields, table } from '../output.js'

/** Every level, with its name at a bureau; typed so that none can be missed. */
const levels: Record<JurisdictionLevel, string> = {
  city: '市局, the city bureau',
  district: '区局, a district bureau',
  station: '所, a market supervision station',
}

function json(value: unknown): void {
  console.log(JSON.stringify(value, null, 2))
}

/**
 * The nodes in tree order, each with its depth: a node, then its children and theirs, in the
 * order listed. The API lists parents first, level by level; a node whose parent is not in
 * the list (the caller's own node, or any node under `--level`) starts a tree of its own.
 */
export function treeOrder(nodes: Jurisdiction[]): { node: Jurisdiction; depth: number }[] {
  const listed = new Set(nodes.map((node) => node.id))
  const children = new Map<string, Jurisdiction[]>()
  for (const node of nodes) {
    if (node.parent_id === null || !listed.has(node.parent_id)) continue
    children.set(node.parent_id, [...(children.get(node.parent_id) ?? []), node])
  }
  const ordered: { node: Jurisdiction; depth: number }[] = []
  const visit = (node: Jurisdiction, depth: number) => {
    ordered.push({ node, depth })
    for (const child of children.get(node.id) ?? []) visit(child, depth + 1)
  }
  for (const node of nodes) {
    if (node.parent_id === null || !listed.has(node.parent_id)) visit(node, 0)
  }
  return ordered
}

function describe(node: Jurisdiction): string {
  return fields([
    ['Jurisdiction', `${node.id}  ${node.name}`],
    ['Code', node.code],
    ['Level', node.level],
    ['Parent', node.parent_id ?? 'none (the root)'],
  ])
}

export function jurisdictionsCommand(program: Command): void {
  const jurisdictions = program.command('jurisdictions').description(t('jurisdictions.description'))

  jurisdictions
    .command('list')
    .description('show your jurisdiction and every one below it, as a tree')
    .addOption(new Option('--level <level>', 'only this level').choices(Object.keys(levels)))
    .option('--json', 'print the jurisdictions as JSON, as the API returns them (parents first)')
    .addHelpText(
      'after',
      `\nLevels:\n${Object.entries(levels)
        .map(([level, meaning]) => `  ${level.padEnd(9)} ${meaning}`)
        .join('\n')}`,
    )
    .action(async (options: { level?: JurisdictionLevel; json?: boolean }) => {
      const hejie = await connect()
      const nodes: Jurisdiction[] = []
      for await (const node of hejie.jurisdictions.list({
        ...(options.level ? { level: options.level } : {}),
        limit: 100,
      })) {
        nodes.push(node)
      }
      if (options.json) return json(nodes)
      if (nodes.length === 0) return console.log('No jurisdictions.')
      console.log(
        table(
          ['NAME', 'CODE', 'LEVEL', 'ID'],
          treeOrder(nodes).map(({ node, depth }) => [
            `${'  '.repeat(depth)}${node.name}`,
            node.code,
            node.level,
            node.id,
          ]),
        ),
      )
    })

  jurisdictions
    .command('create')
    .description('add a district or a station below yours')
    .requiredOption('--name <name>', 'its name, e.g. 丰台区市场监督管理局')
    .requiredOption(
      '--code <code>',
      'a city or district: its six-digit GB/T 2260 area code (110106); a station: an internal code (110106001)',
    )
    .addOption(
      new Option('--level <level>', 'below its parent’s level')
        .choices(Object.keys(levels))
        .makeOptionMandatory(),
    )
    .option('--parent <id or code>', 'the node it goes under (default: yours)')
    .option('--json', 'print the jurisdiction as JSON, as the API returns it')
    .action(
      async (options: {
        name: string
        code: string
        level: JurisdictionLevel
        parent?: string
        json?: boolean
      }) => {
        const hejie = await connect()
        const parent = options.parent === undefined ? undefined : await jurisdictionId(hejie, options.parent)
        const created = await hejie.jurisdictions.create({
          name: options.name,
          code: options.code,
          level: options.level,
          ...(parent ? { parent_id: parent } : {}),
        })
        if (options.json) return json(created)
        console.log(describe(created))
      },
    )
}
