/** The report as Markdown (GitHub tables). Charts are HTML only: their numbers are in the tables. */
import type { Report } from './report.js'
import { type Block, introduction, sections, title } from './sections.js'

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ')
const row = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`

function block(b: Block): string | undefined {
  switch (b.kind) {
    case 'text':
      return b.text
    case 'verdict':
      return b.ok ? `**✅ ${b.text}**` : `> **❌ ${b.text}**`
    case 'subheading':
      return `### ${b.text}`
    case 'list':
      return b.items.map((item) => `- ${cell(item)}`).join('\n')
    case 'chart':
      return undefined
    case 'table': {
      const code = new Set(b.code ?? [])
      const rows = b.rows.map((r) => r.map((value, i) => (code.has(i) ? `\`${value}\`` : value)))
      return [row(b.head), row(b.head.map(() => '---')), ...rows.map(row)].join('\n')
    }
  }
}

export function renderMarkdown(report: Report): string {
  const out = [`# ${title(report)}`, introduction(report)]
  for (const section of sections(report)) {
    out.push(`## ${section.heading}`)
    for (const b of section.blocks) {
      const text = block(b)
      if (text !== undefined) out.push(text)
    }
  }
  return `${out.join('\n\n')}\n`
}
