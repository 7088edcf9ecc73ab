import type { DisputeCreateParams } from '@hejie/sdk'
import type { SheetRow } from './rows.js'

/** The columns of a bureau's export, by their Chinese headers. */
export const columns = {
  ticket: '工单号',
  channel: '来电渠道',
  receivedBy: '受理区划',
  consumer: '投诉人',
  phone: '联系电话',
  respondent: '被投诉方',
  uscc: '统一社会信用代码',
  address: '被投诉方地址',
  areaCode: '被投诉方区划',
  problemType: '问题类型',
  category: '诉求类别',
  description: '诉求描述',
  demands: '诉求',
  amount: '涉及金额(元)',
  purchaseDate: '购买日期',
  receivedAt: '受理时间',
} as const

type Channel = DisputeCreateParams['channel']
type ProblemType = DisputeCreateParams['problem_type']
type Demand = DisputeCreateParams['claim']['demands'][number]

const channels: Record<string, Channel> = {
  '12345': 'hotline_12345',
  '12345热线': 'hotline_12345',
  '12315': 'hotline_12315',
  '12315热线': 'hotline_12315',
  全国12315平台: 'web',
  网站: 'web',
  网络: 'web',
  web: 'web',
  app: 'app',
  小程序: 'mini_program',
  微信小程序: 'mini_program',
  来访: 'walk_in',
  现场: 'walk_in',
  窗口: 'walk_in',
}

const problemTypes: Record<string, ProblemType> = {
  质量: 'quality',
  产品质量: 'quality',
  售后服务: 'after_sales',
  售后: 'after_sales',
  合同: 'contract',
  合同纠纷: 'contract',
  价格: 'price',
  食品安全: 'food_safety',
  虚假宣传: 'false_advertising',
  计量: 'measurement',
  安全: 'safety',
  人身权益: 'personal_rights',
  个人信息: 'personal_rights',
  其他: 'other',
}

const demands: Record<string, Demand> = {
  退款: 'refund',
  退费: 'refund',
  退货: 'return',
  换货: 'replacement',
  更换: 'replacement',
  维修: 'repair',
  修理: 'repair',
  赔偿: 'compensation',
  道歉: 'apology',
  赔礼道歉: 'apology',
  其他: 'other',
}

/** A line mapped to an intake body, with the receiving jurisdiction's code when the line names one. */
export type MappedTicket =
  | { ok: true; line: number; ticket: string; body: DisputeCreateParams; receivedBy?: string }
  | { ok: false; line: number; ticket: string; reason: string }

class Unmappable extends Error {}

/**
 * Maps one line of the export to an intake body (`POST /v1/disputes`). Every problem is
 * reported, never guessed at: an unknown value of a closed list, a missing required cell or
 * an amount that is not a number of yuan makes the line unmappable, with the reason.
 */
export function mapTicket(row: SheetRow): MappedTicket {
  const cell = (name: string) => row.cells[name] ?? ''
  const ticket = cell(columns.ticket)
  try {
    const required = (name: string) => {
      const value = cell(name)
      if (value === '') throw new Unmappable(`${name} is empty`)
      return value
    }
    required(columns.ticket)
    const respondent: NonNullable<DisputeCreateParams['respondent']> = { name: required(columns.respondent) }
    if (cell(columns.uscc)) respondent.uscc = cell(columns.uscc)
    if (cell(columns.address)) respondent.address = cell(columns.address)
    if (cell(columns.areaCode)) respondent.area_code = cell(columns.areaCode)

    const amount = cell(columns.amount)
    const purchaseDate = cell(columns.purchaseDate)
    const receivedAt = cell(columns.receivedAt)
    const category = cell(columns.category)
    const body: DisputeCreateParams = {
      external_ref: ticket,
      channel: fromList(channels, columns.channel, required(columns.channel)),
      respondent,
      consumer: { name: required(columns.consumer), phone: phoneOf(required(columns.phone)) },
      problem_type: fromList(problemTypes, columns.problemType, required(columns.problemType)),
      ...(category ? { category } : {}),
      claim: {
        description: required(columns.description),
        demands: demandsOf(cell(columns.demands)),
        ...(amount ? { amount: { amount: yuanToFen(amount), currency: 'CNY' as const } } : {}),
      },
      ...(purchaseDate ? { purchase: { date: dayOf(columns.purchaseDate, purchaseDate) } } : {}),
      ...(receivedAt ? { received_at: shanghaiTime(receivedAt) } : {}),
    }
    const receivedBy = cell(columns.receivedBy)
    return { ok: true, line: row.line, ticket, body, ...(receivedBy ? { receivedBy } : {}) }
  } catch (error) {
    if (!(error instanceof Unmappable)) throw error
    return { ok: false, line: row.line, ticket, reason: error.message }
  }
}

function fromList<T>(list: Record<string, T>, column: string, written: string): T {
  const key = written.replace(/\s+/g, '')
  const found =
    list[key] ?? list[key.toLowerCase()] ?? (Object.values(list).includes(key as T) ? (key as T) : undefined)
  if (found === undefined)
    throw new Unmappable(`${column} "${written}" is not one of: ${Object.keys(list).join('、')}`)
  return found
}

/** `退款、赔偿` → `['refund', 'compensation']`; an empty cell is `['other']`. */
function demandsOf(written: string): Demand[] {
  const parts = written.split(/[、，,；;/\s]+/).filter((part) => part !== '')
  if (parts.length === 0) return ['other']
  return [...new Set(parts.map((part) => fromList(demands, columns.demands, part)))]
}

function phoneOf(written: string): string {
  const digits = written.replace(/\D/g, '')
  if (!/^[\d\s()+-]+$/.test(written) || digits.length < 5 || written.length > 30) {
    throw new Unmappable(`${columns.phone} "${written}" is not a phone number`)
  }
  return written
}

/**
 * Yuan as written (`1,299.5`, `¥35`, `35元`) to fen, by its digits: no floating point, so
 * `0.1 + 0.2` never becomes 30.000000000000004 fen. At most two decimals.
 */
export function yuanToFen(written: string): number {
  const plain = written
    .replace(/[,，\s]/g, '')
    .replace(/^[¥￥]/, '')
    .replace(/元$/, '')
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(plain)
  if (!match) throw new Unmappable(`${columns.amount} "${written}" is not an amount in yuan`)
  const fen = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'))
  if (!Number.isSafeInteger(fen)) throw new Unmappable(`${columns.amount} "${written}" is too large`)
  return fen
}

/** `2026-11-20`, `2026/11/20` or `2026年11月20日` → `2026-11-20`, a day that exists. */
function dayOf(column: string, written: string): string {
  const match = /^(\d{4})[-/年](\d{1,2})[-/月](\d{1,2})日?$/.exec(written)
  const day = match ? calendarDay(Number(match[1]), Number(match[2]), Number(match[3])) : undefined
  if (!day) throw new Unmappable(`${column} "${written}" is not a date (YYYY-MM-DD)`)
  return day
}

function calendarDay(year: number, month: number, day: number): string | undefined {
  const date = new Date(Date.UTC(year, month - 1, day))
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined
  return date.toISOString().slice(0, 10)
}

/** `2026-12-07 09:12[:30]` in Beijing time (UTC+8, no daylight saving) → an RFC 3339 instant. */
function shanghaiTime(written: string): string {
  const match = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(written)
  const [, year, month, day, hour, minute, second] = match ?? []
  const valid =
    match &&
    calendarDay(Number(year), Number(month), Number(day)) &&
    Number(hour) < 24 &&
    Number(minute) < 60 &&
    Number(second ?? 0) < 60
  if (!valid) throw new Unmappable(`${columns.receivedAt} "${written}" is not a time (YYYY-MM-DD HH:mm)`)
  const utc = Date.UTC(
    Number(year),
    Number(month) - 1,
    Number(day),
    Number(hour) - 8,
    Number(minute),
    Number(second ?? 0),
  )
  return new Date(utc).toISOString()
}
