import { parse } from 'csv-parse/sync'
import t from 'tap'
import { csvCell, csvLine, csvStream } from '../../src/http/csv.js'
import type { CsvColumn } from '../../src/schemas/csv.js'

t.test('a cell is quoted only when it holds a quote, a comma or a line break', async (t) => {
  t.equal(csvCell('和解'), '和解')
  t.equal(csvCell('a,b'), '"a,b"')
  t.equal(csvCell('说"好"'), '"说""好"""')
  t.equal(csvCell('一\r\n二'), '"一\r\n二"')
  t.equal(csvCell(null), '')
  t.equal(csvCell(undefined), '')
  t.equal(csvCell(0.5), '0.5')
  t.equal(csvCell(true), 'true')
})

t.test('text that a spreadsheet would run as a formula is prefixed with a quote', async (t) => {
  for (const start of ['=', '+', '-', '@']) t.equal(csvCell(`${start}SUM(A1:A9)`), `'${start}SUM(A1:A9)`)
  t.equal(csvCell('=A1,B1'), `"'=A1,B1"`, 'defused, then quoted')
  t.equal(csvCell(-3), '-3', 'a number is a number, not a formula')
  t.equal(csvCell('a=b'), 'a=b', 'only the first character matters')
})

t.test('a stream is the BOM, the headers in the language asked, then one CRLF line per row', async (t) => {
  const columns: CsvColumn<{ name: string; count: number }>[] = [
    { zh: '名称', en: 'name', value: (row) => row.name },
    { zh: '数量', en: 'count', value: (row) => row.count },
  ]
  const read = async (lang: 'zh' | 'en') => {
    const chunks: Buffer[] = []
    for await (const chunk of csvStream(columns, lang, [
      { name: '北京, 朝阳', count: 2 },
      { name: '@home', count: 3 },
    ]))
      chunks.push(Buffer.from(chunk))
    return Buffer.concat(chunks)
  }
  const zh = await read('zh')
  t.equal(zh.subarray(0, 3).toString('hex'), 'efbbbf')
  t.equal(zh.toString('utf8'), `\uFEFF名称,数量\r\n"北京, 朝阳",2\r\n'@home,3\r\n`)
  t.same(parse(await read('en'), { bom: true, columns: true }), [
    { name: '北京, 朝阳', count: '2' },
    { name: "'@home", count: '3' },
  ])
  t.equal(csvLine(['x', 1]), 'x,1\r\n')
})

t.test('a long stream goes out in a few large chunks, each ending on a whole line', async (t) => {
  const columns: CsvColumn<number>[] = [{ zh: '序号', en: 'n', value: (n) => `第${n}件` }]
  const rows = Array.from({ length: 20_000 }, (_, n) => n)
  const chunks: string[] = []
  for await (const chunk of csvStream(columns, 'zh', rows)) chunks.push(String(chunk))
  t.ok(chunks.length > 1 && chunks.length < 20, `${chunks.length} chunks for 20,000 lines`)
  for (const chunk of chunks) t.ok(chunk.endsWith('\r\n'), 'no line is split between chunks')
  const lines = chunks.join('').split('\r\n')
  t.equal(lines.length, 20_002, 'the header, every row, and the empty string after the last CRLF')
  t.equal(lines[0], '\uFEFF序号')
  t.equal(lines[20_000], '第19999件')
})
