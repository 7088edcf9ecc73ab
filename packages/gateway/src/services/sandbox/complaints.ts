import type { Static } from 'typebox'
import type { IntakeBody, problemTypes } from '../../schemas/disputes.js'

type ProblemType = (typeof problemTypes)[number]
type Intake = Static<typeof IntakeBody>

/** What a generated complaint is about: one template per kind of complaint the intake centre hears. */
interface Template {
  problem_type: ProblemType
  category: string
  description: string
  demands: Intake['claim']['demands']
  /** The claim in yuan: a range to draw from. */
  yuan: [number, number]
  channel: 'online' | 'offline' | 'live_stream'
}

/**
 * Complaints as the 12315 and 12345 lines hear them, two for each of the ten problem types,
 * in the consumer's words as the intake centre writes them down.
 */
const templates: readonly Template[] = [
  {
    problem_type: 'quality',
    category: '家用电器 / 空调',
    description: '新买的空调安装后第三天就不制冷，售后上门两次没有修好。',
    demands: ['replacement'],
    yuan: [2000, 4500],
    channel: 'offline',
  },
  {
    problem_type: 'quality',
    category: '服装鞋帽 / 运动鞋',
    description: '网购的运动鞋穿了一周鞋底开胶，商家说是人为损坏。',
    demands: ['return', 'refund'],
    yuan: [300, 900],
    channel: 'online',
  },
  {
    problem_type: 'after_sales',
    category: '家用电器 / 洗衣机维修',
    description: '洗衣机维修后又出现同样的故障，维修费不退，也不再上门。',
    demands: ['repair', 'refund'],
    yuan: [150, 600],
    channel: 'offline',
  },
  {
    problem_type: 'after_sales',
    category: '手机通讯 / 手机',
    description: '手机在保修期内屏幕失灵，售后要求自费更换主板。',
    demands: ['repair'],
    yuan: [800, 2500],
    channel: 'offline',
  },
  {
    problem_type: 'contract',
    category: '网络服务 / 视频会员',
    description: '年度会员自动续费后才发现，申请取消未使用部分被拒绝。',
    demands: ['refund'],
    yuan: [20, 260],
    channel: 'online',
  },
  {
    problem_type: 'contract',
    category: '预付式消费 / 健身卡',
    description: '健身房办卡后突然闭店搬迁，剩余课时无法使用也不给退费。',
    demands: ['refund'],
    yuan: [1500, 6000],
    channel: 'offline',
  },
  {
    problem_type: 'price',
    category: '餐饮服务 / 餐厅',
    description: '结账时发现菜品价格与菜单标价不一致，多收了费用。',
    demands: ['refund', 'apology'],
    yuan: [30, 300],
    channel: 'offline',
  },
  {
    problem_type: 'price',
    category: '网络购物 / 促销',
    description: '大促期间先涨价后打折，实际价格比活动前还高。',
    demands: ['compensation'],
    yuan: [50, 500],
    channel: 'online',
  },
  {
    problem_type: 'food_safety',
    category: '食品 / 外卖',
    description: '外卖餐食中吃出异物，食用后出现肠胃不适。',
    demands: ['refund', 'compensation'],
    yuan: [40, 1000],
    channel: 'online',
  },
  {
    problem_type: 'food_safety',
    category: '食品 / 超市预包装食品',
    description: '在超市购买的牛奶已过保质期仍在销售。',
    demands: ['refund', 'compensation'],
    yuan: [10, 1000],
    channel: 'offline',
  },
  {
    problem_type: 'false_advertising',
    category: '直播带货 / 护肤品',
    description: '直播间宣称“七天祛斑”，使用后毫无效果，客服不予处理。',
    demands: ['refund'],
    yuan: [100, 800],
    channel: 'live_stream',
  },
  {
    problem_type: 'false_advertising',
    category: '教育培训 / 在线课程',
    description: '课程宣传“包过”，考试未通过后机构拒绝按承诺退费。',
    demands: ['refund'],
    yuan: [2000, 9800],
    channel: 'online',
  },
  {
    problem_type: 'measurement',
    category: '农贸市场 / 水果',
    description: '在市场买的水果回家复称，足足少了三两。',
    demands: ['refund', 'apology'],
    yuan: [10, 120],
    channel: 'offline',
  },
  {
    problem_type: 'measurement',
    category: '加油站 / 汽油',
    description: '加油机显示加了四十升，油箱容量却只有三十五升。',
    demands: ['compensation'],
    yuan: [100, 400],
    channel: 'offline',
  },
  {
    problem_type: 'safety',
    category: '儿童用品 / 玩具',
    description: '儿童玩具小零件容易脱落，孩子差点误吞。',
    demands: ['return', 'refund'],
    yuan: [50, 400],
    channel: 'online',
  },
  {
    problem_type: 'safety',
    category: '家用电器 / 电热水壶',
    description: '电热水壶使用中底座冒烟，险些引发火灾。',
    demands: ['refund', 'compensation'],
    yuan: [80, 2000],
    channel: 'online',
  },
  {
    problem_type: 'personal_rights',
    category: '商场服务 / 会员信息',
    description: '商场会员注册后频繁接到推销电话，怀疑个人信息被泄露。',
    demands: ['apology', 'other'],
    yuan: [0, 0],
    channel: 'offline',
  },
  {
    problem_type: 'personal_rights',
    category: '网络服务 / 账号',
    description: '平台无故冻结账号，余额无法提现，客服无人回应。',
    demands: ['refund', 'other'],
    yuan: [100, 3000],
    channel: 'online',
  },
  {
    problem_type: 'other',
    category: '快递物流 / 包裹',
    description: '快递显示已签收，但本人从未收到包裹。',
    demands: ['compensation'],
    yuan: [50, 800],
    channel: 'online',
  },
  {
    problem_type: 'other',
    category: '交通出行 / 网约车',
    description: '网约车绕路多收费，申诉后只退了一部分。',
    demands: ['refund'],
    yuan: [20, 150],
    channel: 'online',
  },
]

const surnames = [
  '王',
  '李',
  '张',
  '刘',
  '陈',
  '杨',
  '赵',
  '黄',
  '周',
  '吴',
  '徐',
  '孙',
  '马',
  '朱',
  '胡',
  '郭',
]
const givenNames = [
  '伟',
  '芳',
  '娜',
  '敏',
  '静',
  '磊',
  '洋',
  '艳',
  '勇',
  '军',
  '杰',
  '娟',
  '涛',
  '明',
  '超',
  '霞',
  '平',
  '刚',
  '桂英',
  '秀兰',
  '建华',
  '晓东',
]
const mobilePrefixes = [
  '135',
  '136',
  '137',
  '138',
  '139',
  '150',
  '151',
  '158',
  '159',
  '186',
  '187',
  '188',
  '199',
]

/** Small businesses no ODR enterprise answers for: the dispatcher routes them to a unit. */
const smallBusinesses = [
  { name: '丰台区某某水果摊', address: '北京市丰台区新村农贸市场 B 区 12 号' },
  { name: '卢沟桥某某餐馆', address: '北京市丰台区卢沟桥南里 8 号' },
  { name: '某某便利店（个体）', address: '北京市丰台区丰台北路 101 号' },
]

/** Who a generated complaint is against: a registered enterprise, or a business the dispatcher must place. */
export type GeneratedRespondent =
  | { enterprise: { id: string; name: string; uscc: string } }
  | { business: { name: string; address: string } }

type Random = () => number

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T

/**
 * A realistic complaint, in Chinese, drawn from the templates: a consumer with a name and a
 * mobile number, a claim in fen, a purchase some weeks before. `ticket` is its intake ticket
 * number, unique per complaint; `random` is Math.random unless a test fixes it.
 */
export function generatedComplaint(
  now: Date,
  respondent: GeneratedRespondent,
  ticket: string,
  random: Random = Math.random,
): Intake {
  const template = pick(random, templates)
  const [low, high] = template.yuan
  const yuan = Math.round(low + random() * (high - low))
  const purchasedDaysAgo = 3 + Math.floor(random() * 60)
  const purchaseDate = new Date(now.getTime() - purchasedDaysAgo * 86_400_000).toISOString().slice(0, 10)
  const phone = `${pick(random, mobilePrefixes)}${String(Math.floor(random() * 1e8)).padStart(8, '0')}`
  const body: Intake = {
    external_ref: ticket,
    channel: random() < 0.5 ? 'hotline_12315' : 'hotline_12345',
    consumer: { name: `${pick(random, surnames)}${pick(random, givenNames)}`, phone },
    problem_type: template.problem_type,
    category: template.category,
    claim: {
      description: template.description,
      demands: template.demands,
      ...(yuan > 0 ? { amount: { amount: yuan * 100, currency: 'CNY' } } : {}),
    },
    purchase: {
      date: purchaseDate,
      channel: template.channel,
      ...(yuan > 0 ? { amount: { amount: yuan * 100, currency: 'CNY' } } : {}),
    },
  }
  if ('enterprise' in respondent) {
    // Named by its credit code, as the intake centre records it: the dispatcher matches it.
    body.respondent = { name: respondent.enterprise.name, uscc: respondent.enterprise.uscc }
  } else {
    body.respondent = { name: respondent.business.name, address: respondent.business.address }
  }
  return body
}

export function smallBusiness(random: Random = Math.random): { name: string; address: string } {
  return pick(random, smallBusinesses)
}

/** How many templates each problem type has (every one of the ten has at least one). */
export function templatesByProblemType(): Map<ProblemType, number> {
  const counts = new Map<ProblemType, number>()
  for (const template of templates)
    counts.set(template.problem_type, (counts.get(template.problem_type) ?? 0) + 1)
  return counts
}
