import { writeFile } from 'node:fs/promises'
import ExcelJS from 'exceljs'
import { columns } from './map-ticket.js'
import { fixZipDates } from './zip-dates.js'

/**
 * Writes the sample export, one day of a district bureau's hotline tickets, twice: as CSV
 * (UTF-8 with a byte-order mark and CRLF, as Excel saves it) and as XLSX, where times and
 * dates are date cells and amounts are numbers, as in a real export. Against the demo city
 * (`pnpm start`) the lines take each path: by credit code and by alias to an ODR enterprise,
 * by three kinds of routing rule to a unit, to the command centre, a line refused for want
 * of a phone number, and a ticket exported twice.
 *
 *   pnpm --filter @hejie/example-intake-import samples
 */
const header = [
  columns.ticket,
  columns.channel,
  columns.receivedAt,
  columns.receivedBy,
  columns.consumer,
  columns.phone,
  columns.respondent,
  columns.uscc,
  columns.address,
  columns.areaCode,
  columns.problemType,
  columns.category,
  columns.description,
  columns.demands,
  columns.amount,
  columns.purchaseDate,
]

type Line = [
  ticket: string,
  channel: string,
  receivedAt: string,
  receivedBy: string,
  consumer: string,
  phone: string,
  respondent: string,
  uscc: string,
  address: string,
  areaCode: string,
  problemType: string,
  category: string,
  description: string,
  demands: string,
  amount: string,
  purchaseDate: string,
]

// biome-ignore format: one ticket a line, as in the export
export const sampleLines: Line[] = [
  ['12315-2026-1207001', '12315', '2026-12-07 08:41', '110106', '刘敏', '13801112201', '优品商城', '91110106ma00077321', '北京市丰台区南四环西路 188 号', '', '质量', '家用电器/电饭煲', '在优品商城购买的电饭煲使用两周后内胆涂层脱落，商家拒绝退货。', '退货、退款', '399.00', '2026-11-20'],
  ['12345-2026-1207002', '12345', '2026-12-07 09:05', '110106', '王建国', '13911112202', '爱看视频', '', '', '', '合同', '网络服务/视频会员', '年度会员承诺的影片已下架，要求退还剩余会员费。', '退款', '27', '2026-03-01'],
  ['12345-2026-1207003', '12345', '2026-12-07 09:30', '110106', '陈晓', '13611112203', '丰台某某麻辣烫', '', '北京市丰台区丰台北路 8 号', '', '食品安全', '餐饮服务/外卖', '外卖餐品变质，食用后腹泻。', '退款、赔偿', '86.5', '2026-12-05'],
  ['12315-2026-1207004', '12315', '2026-12-07 10:12', '110106', '赵丽', '13701112204', '卢沟桥五金建材店', '', '北京市丰台区卢沟桥路 12 号', '110106001', '计量', '日用品/五金', '购买的电线实际长度比标称少了 8 米。', '退款', '120', '2026-12-01'],
  ['12345-2026-1207005', '12345', '2026-12-07 10:48', '110106', '孙强', '13501112205', '某某健身工作室', '', '北京市丰台区西四环南路 9 号', '', '合同', '生活服务/健身', '健身房突然关门，办卡余额 2,680 元无法退还。', '退款', '2,680.00', '2026-06-18'],
  ['12345-2026-1207006', '12345', '2026-12-07 11:20', '110106', '周婷', '13301112206', '流动摊贩（无名）', '', '', '', '其他', '其他', '路边摊贩售卖的充电宝无法充电。', '退款', '59', ''],
  ['12315-2026-1207007', '12315', '2026-12-07 13:02', '110106', '吴磊', '', '某某眼镜店', '', '北京市丰台区丰管路 6 号', '', '虚假宣传', '眼镜', '宣传“防蓝光”镜片，检测无防蓝光功能。', '退款、赔偿', '680', '2026-11-28'],
  ['12315-2026-1207001', '12315', '2026-12-07 14:15', '110106', '刘敏', '13801112201', '优品商城', '91110106ma00077321', '北京市丰台区南四环西路 188 号', '', '质量', '家用电器/电饭煲', '再次来电：电饭煲内胆涂层脱落，催促处理。', '退货、退款', '399.00', '2026-11-20'],
]

export function sampleCsv(lines: Line[] = sampleLines): string {
  const quote = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value)
  return `\uFEFF${[header, ...lines].map((cells) => cells.map(quote).join(',')).join('\r\n')}\r\n`
}

/** A time or a day as written in the CSV, as the date cell Excel would hold (its wall-clock time in UTC). */
function dateCell(written: string): Date | string {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}))?$/.exec(written)
  if (!match) return written
  const [, y, m, d, hh, mm] = match
  return new Date(Date.UTC(Number(y), Number(m) - 1, Number(d), Number(hh ?? 0), Number(mm ?? 0)))
}

export async function sampleXlsx(lines: Line[] = sampleLines): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  // Fixed metadata: the generated file is the same on every run.
  const fixed = new Date(Date.UTC(2026, 11, 7, 7, 0))
  workbook.creator = '丰台区市场监督管理局'
  workbook.created = fixed
  workbook.modified = fixed
  const sheet = workbook.addWorksheet('工单')
  sheet.addRow(header)
  sheet.getRow(1).font = { bold: true }
  for (const line of lines) {
    const [
      ticket,
      channel,
      receivedAt,
      receivedBy,
      consumer,
      phone,
      respondent,
      uscc,
      address,
      areaCode,
      ...rest
    ] = line
    const [problemType, category, description, demands, amount, purchaseDate] = rest
    sheet.addRow([
      ticket,
      channel,
      dateCell(receivedAt),
      receivedBy,
      consumer,
      phone,
      respondent,
      uscc,
      address,
      areaCode,
      problemType,
      category,
      description,
      demands,
      amount === '' ? '' : Number(amount.replace(/,/g, '')),
      purchaseDate === '' ? '' : dateCell(purchaseDate),
    ])
  }
  sheet.getColumn(3).numFmt = 'yyyy-mm-dd hh:mm'
  sheet.getColumn(15).numFmt = '#,##0.00'
  sheet.getColumn(16).numFmt = 'yyyy-mm-dd'
  sheet.columns.forEach((column, i) => {
    column.width = [20, 8, 17, 10, 8, 13, 18, 20, 28, 11, 9, 16, 40, 10, 12, 11][i] ?? 12
  })
  return fixZipDates(Buffer.from(await workbook.xlsx.writeBuffer()), { year: 2026, month: 12, day: 7 })
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const samples = new URL('../samples/', import.meta.url)
  await writeFile(new URL('tickets-2026-12-07.csv', samples), sampleCsv())
  await writeFile(new URL('tickets-2026-12-07.xlsx', samples), await sampleXlsx())
  console.log('wrote samples/tickets-2026-12-07.csv and samples/tickets-2026-12-07.xlsx')
}
