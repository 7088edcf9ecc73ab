import fc from 'fast-check'
import t from 'tap'
import { maskConsumer, maskName, maskPhone } from '../../src/domain/privacy.js'

t.test('a phone number keeps at most its first 3 and last 4 characters', async (t) => {
  const cases: [phone: string, masked: string, why: string][] = [
    ['13812341234', '138****1234', 'a mainland mobile keeps its prefix and last four digits'],
    ['19912345678', '199****5678', 'so does a newer prefix'],
    ['01062345678', '010****5678', 'a Beijing landline with its area code'],
    ['+8613812341234', '+86*******1234', 'a number with the country code hides the mobile prefix too'],
    ['12345678', '123*5678', 'eight characters is the shortest that keeps 3 and 4'],
    ['1234567', '*****67', 'a shorter one keeps only its last two'],
    ['12315', '***15', 'a short service number'],
    ['123', '*23', 'three characters'],
    ['12', '**', 'two characters are masked whole'],
    ['1', '*', 'one character is masked whole'],
    ['', '', 'an empty phone stays empty'],
    ['  13812341234 ', '138****1234', 'surrounding spaces are ignored'],
  ]
  for (const [phone, masked, why] of cases) t.equal(maskPhone(phone), masked, why)
})

t.test('a name keeps only its first character', async (t) => {
  const cases: [name: string, masked: string, why: string][] = [
    ['张三', '张*', 'a two-character name keeps the family name'],
    ['王小明', '王**', 'a three-character name'],
    ['欧阳小明', '欧***', 'a compound family name keeps only its first character'],
    ['𠮷野家', '𠮷**', 'a character outside the Basic Multilingual Plane is kept whole'],
    ['Li Wei', 'L*****', 'a Latin name keeps its first letter, the space is masked too'],
    ['阿卜杜·热合曼', '阿******', 'the separator of a transliterated name is masked'],
    ['张', '*', 'a one-character name is masked whole'],
    ['', '', 'an empty name stays empty'],
    [' 张三 ', '张*', 'surrounding spaces are ignored'],
  ]
  for (const [name, masked, why] of cases) t.equal(maskName(name), masked, why)
})

t.test('a closed dispute shows its enterprise the consumer masked', async (t) => {
  t.same(maskConsumer({ name: '张三', phone: '13812341234' }), { name: '张*', phone: '138****1234' })
  t.same(maskConsumer({ name: '', phone: '' }), { name: '', phone: '' }, 'an erased consumer stays empty')
})

t.test('masking hides at least one character and reveals no more than it keeps', async (t) => {
  const text = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).filter((s) => s.trim() !== '')
  const reveals = (original: string, masked: string, atMost: number) => {
    const before = Array.from(original.trim())
    const after = Array.from(masked)
    const shown = after.filter((character) => character !== '*').length
    return (
      after.length === before.length &&
      after.every((character, index) => character === '*' || character === before[index]) &&
      after.includes('*') &&
      shown <= atMost
    )
  }
  fc.assert(
    fc.property(text, (value) => reveals(value, maskName(value), 1) && reveals(value, maskPhone(value), 7)),
    { numRuns: 1000 },
  )
  t.pass('1000 random strings')
})
