/**
 * What the report says, as a format-free list of sections (sentences, tables, charts) that
 * render-markdown and render-html each write out. Chinese headings for the bureau, English
 * beside them.
 */
import type { StatsGroup } from '@hejie/sdk'
import { type AuditCheck, auditVerdict } from './audit-check.js'
import type { ReportData } from './fetch.js'
import { beijingDate, beijingTime, NONE, percent, plain } from './format.js'
import { cellOf, INDICATORS, indicator, RISK_KINDS, signalValue, TABLE_KEYS } from './indicators.js'
import type { Report } from './report.js'

export type Block =
  | { kind: 'text'; text: string }
  /** A sentence the reader must not miss: the audit verdict. */
  | { kind: 'verdict'; text: string; ok: boolean }
  | { kind: 'subheading'; text: string }
  | { kind: 'table'; head: string[]; rows: string[][]; code?: number[] }
  | { kind: 'list'; items: string[] }
  | { kind: 'chart'; chart: 'rates' | 'volume' }

export interface Section {
  id: string
  heading: string
  blocks: Block[]
}

export function title(report: Report): string {
  return `月度监管报告 ${report.data.period.month}`
}

export function introduction(report: Report): string {
  const { period } = report.data
  return (
    `Monthly supervision report for ${period.month}: disputes assigned from ${beijingTime(period.from)} to ${beijingTime(period.to)} (Beijing time, end exclusive). ` +
    `Read from ${report.source} at ${beijingTime(report.generatedAt)}; every figure is the API's answer. ` +
    `Rates are percentages with one decimal; “${NONE}” is a rate over nothing.`
  )
}

export function sections(report: Report): Section[] {
  return [indicators(report.data), ranking(report.data), risks(report.data), audit(report.audit)]
}

function indicators(data: ReportData): Section {
  const head = TABLE_KEYS.map((key) => indicator(key).zh)
  const show = (group: StatsGroup | undefined) => TABLE_KEYS.map((key) => cellOf(key, group))
  const months = data.trend.length
  return {
    id: 'indicators',
    heading: '核心指标 Key indicators',
    blocks: [
      {
        kind: 'table',
        head: ['指标', 'Indicator', 'Key', data.period.month],
        rows: INDICATORS.map((i) => [i.zh, i.en, i.key, i.show(data.totals)]),
        code: [2],
      },
      { kind: 'subheading', text: `近${months}个月趋势 The last ${months} months` },
      { kind: 'chart', chart: 'rates' },
      { kind: 'chart', chart: 'volume' },
      {
        kind: 'table',
        head: ['月份 Month', ...head],
        rows: data.trend.map((t) => [t.month, ...show(t.stats)]),
      },
      { kind: 'subheading', text: '分企业指标 By enterprise' },
      data.enterprises.length === 0
        ? { kind: 'text', text: '本月没有企业承办的投诉。 No dispute held by an enterprise this month.' }
        : {
            kind: 'table',
            head: ['企业 Enterprise', ...head],
            rows: data.enterprises.map((e) => [e.name, ...show(e.stats)]),
          },
    ],
  }
}

function ranking(data: ReportData): Section {
  const r = data.ranking
  return {
    id: 'ranking',
    heading: '企业排名 Rankings',
    blocks: [
      {
        kind: 'text',
        text:
          `按和解成功率排名（并列同名次），办结不少于 ${r.min_concluded} 件者参与；${r.excluded_below_minimum} 个低于门槛、${r.excluded_without_value} 个无数值未列入。 ` +
          `Ranked by settlement rate (ties share a rank), at least ${r.min_concluded} concluded; ${r.excluded_below_minimum} below the minimum and ${r.excluded_without_value} without a value left out.`,
      },
      r.data.length === 0
        ? { kind: 'text', text: '本月无可排名的企业或单位。 Nothing to rank this month.' }
        : {
            kind: 'table',
            head: [
              '名次 Rank',
              '名称 Name',
              '类型 Type',
              '和解成功率',
              '按时办结率',
              '响应率',
              '满意率',
              '投诉量',
            ],
            rows: r.data.map((a) => [
              String(a.rank),
              a.assignee.name,
              a.assignee.type === 'enterprise' ? '企业' : '单位',
              percent(a.indicators.settlement_rate),
              percent(a.indicators.on_time_rate),
              percent(a.indicators.response_rate),
              percent(a.indicators.satisfaction_rate),
              plain(a.indicators.received),
            ]),
          },
    ],
  }
}

function risks(data: ReportData): Section {
  const subject = (s: ReportData['riskSignals'][number]) =>
    [
      s.subject.enterprise_id ? (data.names.get(s.subject.enterprise_id) ?? s.subject.enterprise_id) : '',
      s.subject.category ?? '',
      s.subject.problem_type ?? '',
    ]
      .filter(Boolean)
      .join(' / ') || NONE
  return {
    id: 'risk-signals',
    heading: '风险预警 Risk signals',
    blocks: [
      data.riskSignals.length === 0
        ? { kind: 'text', text: '本月无风险预警。 No risk signal this month.' }
        : {
            kind: 'table',
            head: [
              '类型 Kind',
              '对象 Subject',
              '周 Week',
              '值 Value',
              '基线 Baseline',
              '阈值 Threshold',
              '投诉 Disputes',
              '说明 Explanation',
            ],
            rows: data.riskSignals.map((s) => [
              `${RISK_KINDS[s.kind]} (${s.kind})`,
              subject(s),
              `${beijingDate(s.window.start)} – ${beijingDate(s.window.end)}`,
              signalValue(s, s.value),
              signalValue(s, s.baseline),
              signalValue(s, s.threshold),
              String(s.disputes.length),
              s.explanation,
            ]),
          },
    ],
  }
}

function audit(check: AuditCheck): Section {
  return {
    id: 'audit',
    heading: '审计核验 Audit verification',
    blocks: [
      { kind: 'verdict', text: auditVerdict(check), ok: check.ok },
      {
        kind: 'table',
        head: ['项目 Item', '结果 Result'],
        rows: [
          ['导出范围 Entries exported', `[${check.from}, ${check.to})`],
          ['读取 Read', String(check.read)],
          ['核验通过 Verified', String(check.verified)],
          ['未通过 Failed', String(check.failed)],
          ['缺失 Missing', String(check.missing)],
          ['检查点大小 Checkpoint tree size', plain(check.treeSize)],
          ['检查点根哈希 Checkpoint root hash', check.rootHash ?? NONE],
          ['检查点时间 Checkpoint time', check.checkpointTime ? beijingTime(check.checkpointTime) : NONE],
          ['签名密钥 Signing key id', check.keyId ?? NONE],
          ['签名 Signature', check.signatureOk ? '有效 valid' : '无效 INVALID'],
        ],
      },
      ...(check.problems.length === 0
        ? []
        : [
            { kind: 'subheading', text: '问题 Problems' } as const,
            { kind: 'list', items: check.problems } as const,
          ]),
    ],
  }
}
