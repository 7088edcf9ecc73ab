import type { CsvColumn } from '../../schemas/csv.js'
import type { RegisterEntry } from './presenter.js'

const yuan = (fen: number | undefined) => (fen === undefined ? null : (fen / 100).toFixed(2))

/** The register as a spreadsheet: one line per dispute, the columns the bureau files. */
export const disputeColumns: CsvColumn<RegisterEntry>[] = [
  { zh: '纠纷编号', en: 'id', value: (row) => row.id },
  { zh: '登记编号', en: 'external_ref', value: (row) => row.external_ref },
  { zh: '来源渠道', en: 'channel', value: (row) => row.channel },
  { zh: '状态', en: 'status', value: (row) => row.status },
  { zh: '办结结果', en: 'resolution', value: (row) => row.resolution },
  { zh: '承办方类型', en: 'assignee_type', value: (row) => row.assignee.type },
  { zh: '承办方编号', en: 'assignee_id', value: (row) => row.assignee.id },
  { zh: '被投诉方', en: 'respondent_name', value: (row) => row.respondent?.name },
  { zh: '受理辖区', en: 'jurisdiction_id', value: (row) => row.jurisdiction_id },
  { zh: '消费者姓名', en: 'consumer_name', value: (row) => row.consumer.name },
  { zh: '消费者电话', en: 'consumer_phone', value: (row) => row.consumer.phone },
  { zh: '问题类型', en: 'problem_type', value: (row) => row.problem_type },
  { zh: '商品或服务类别', en: 'category', value: (row) => row.category },
  {
    zh: '诉求描述',
    en: 'claim_description',
    value: (row) => (row.claim as { description?: string }).description,
  },
  {
    zh: '诉求金额（元）',
    en: 'claim_amount_cny',
    value: (row) => yuan((row.claim as { amount?: { amount: number } }).amount?.amount),
  },
  { zh: '登记时间', en: 'received_at', value: (row) => row.received_at },
  { zh: '分派时间', en: 'assigned_at', value: (row) => row.assigned_at },
  { zh: '响应期限', en: 'respond_by', value: (row) => row.respond_by },
  { zh: '接收时间', en: 'accepted_at', value: (row) => row.accepted_at },
  { zh: '和解时间', en: 'settled_at', value: (row) => row.settled_at },
  { zh: '办结时间', en: 'closed_at', value: (row) => row.closed_at },
  { zh: '是否超期', en: 'overdue', value: (row) => row.overdue },
  { zh: '退款金额（元）', en: 'refunded_cny', value: (row) => yuan(row.refunded.amount) },
  { zh: '创建时间', en: 'created_at', value: (row) => row.created_at },
]
