import fc from 'fast-check'
import t from 'tap'
import { isValidUscc, usccCheckCharacter, validateUscc } from '../../src/domain/uscc.js'

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY'

/** Codes published on the business licences of well-known companies. */
const published: [code: string, holder: string][] = [
  ['9144030071526726XG', '腾讯科技（深圳）有限公司'],
  ['914403001922038216', '华为技术有限公司'],
  ['91110108551385082Q', '小米科技有限责任公司'],
  ['91110000802100433B', '北京百度网讯科技有限公司'],
  ['91440300192317458F', '比亚迪股份有限公司'],
  ['91330100716105852F', '阿里巴巴（中国）网络技术有限公司'],
  ['91520000214434146R', '中航重机股份有限公司'],
  ['91310000MA1FW1BXX2', 'a Shanghai company registered after 2015 (organisation code MA1FW1BX-X)'],
]

t.test('published codes of real companies are valid', async (t) => {
  for (const [code, holder] of published) {
    t.same(validateUscc(code), { valid: true }, `${code}, ${holder}`)
    t.equal(isValidUscc(code), true)
    t.equal(usccCheckCharacter(code.slice(0, 17)), code.charAt(17), `${code}: the check digit is recomputed`)
  }
})

t.test('every single-character change of a published code is refused', async (t) => {
  for (const [code] of published) {
    const accepted: string[] = []
    for (let index = 0; index < code.length; index++) {
      for (const replacement of ALPHABET) {
        if (replacement === code.charAt(index)) continue
        const changed = code.slice(0, index) + replacement + code.slice(index + 1)
        if (isValidUscc(changed)) accepted.push(changed)
      }
    }
    t.same(accepted, [], `none of the ${18 * 30} changes of ${code} passes`)
  }
})

t.test('swapping two of the first 17 characters, or the last two, is refused', async (t) => {
  for (const [code] of published) {
    const accepted: string[] = []
    const pairs: [number, number][] = [[16, 17]]
    for (let i = 0; i < 17; i++) for (let j = i + 1; j < 17; j++) pairs.push([i, j])
    for (const [i, j] of pairs) {
      if (code.charAt(i) === code.charAt(j)) continue
      const swapped = [...code]
      ;[swapped[i], swapped[j]] = [swapped[j]!, swapped[i]!]
      if (isValidUscc(swapped.join(''))) accepted.push(swapped.join(''))
    }
    t.same(accepted, [], `no transposition of ${code} passes`)
  }
})

t.test('the reason says what is wrong and where', async (t) => {
  const cases: [code: string, reason: string][] = [
    ['', 'must be 18 characters long, got 0'],
    ['9144030071526726X', 'must be 18 characters long, got 17'],
    ['9144030071526726XGG', 'must be 18 characters long, got 19'],
    ['9144030071526726xG', 'character "x" is not allowed at position 17 (letters are upper case)'],
    [
      '91440300715267260I',
      'character "I" is not allowed at position 18 (the code never uses I, O, Z, S or V)',
    ],
    [
      '9144030071526726OG',
      'character "O" is not allowed at position 17 (the code never uses I, O, Z, S or V)',
    ],
    ['91-40300715267260G', 'character "-" is not allowed at position 3'],
    ['9144 30071526726XG', 'character " " is not allowed at position 5'],
    ['9144030071526726X中', 'character "中" is not allowed at position 18'],
    [
      '91440A0071526726XG',
      'character "A" is not allowed at position 6: positions 3–8 (the administrative division code) are digits',
    ],
    ['9144030071526726XH', 'check digit should be G, got H: a character is mistyped or two are swapped'],
    ['91110000100000589B', 'check digit should be A, got B: a character is mistyped or two are swapped'],
  ]
  for (const [code, reason] of cases)
    t.match(validateUscc(code), { valid: false, reason: { en: reason, zh: String } }, JSON.stringify(code))
})

t.test('a registration authority given by a letter is accepted', async (t) => {
  // N: rural collective economic organisations, registered by agriculture departments.
  const first17 = 'N2110108MA01G0FB0'
  t.equal(isValidUscc(first17 + usccCheckCharacter(first17)), true)
})

t.test('any 17 well-formed characters completed by their check digit make a valid code', async (t) => {
  const character = fc.constantFrom(...ALPHABET)
  const digit = fc.constantFrom(...'0123456789')
  const first17 = fc
    .tuple(
      fc.array(character, { minLength: 2, maxLength: 2 }),
      fc.array(digit, { minLength: 6, maxLength: 6 }),
    )
    .chain(([head, division]) =>
      fc
        .array(character, { minLength: 9, maxLength: 9 })
        .map((rest) => [...head, ...division, ...rest].join('')),
    )
  fc.assert(
    fc.property(first17, (prefix) => isValidUscc(prefix + usccCheckCharacter(prefix))),
    { numRuns: 1000 },
  )
  t.pass('1000 random codes')
})

t.test('the check digit needs 17 characters of the alphabet', async (t) => {
  for (const bad of [
    '',
    '9144030071526726',
    '9144030071526726XG',
    '9144030071526726x',
    '914403007152672IX',
  ]) {
    t.throws(() => usccCheckCharacter(bad), RangeError, JSON.stringify(bad))
  }
})
