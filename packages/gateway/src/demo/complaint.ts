/**
 * The complaint every part of Hejie uses as its example: the unused 27 yuan of an annual
 * video membership, as the 12315 intake centre registers it. The demo data, the tests of
 * every package and the examples start from this one body, so a change to the intake
 * contract is made here once.
 */
export interface SampleComplaint {
  external_ref: string
  channel: 'hotline_12315'
  enterprise_id: string
  consumer: { name: string; phone: string }
  problem_type: 'contract'
  category: string
  claim: {
    description: string
    demands: 'refund'[]
    amount: { amount: number; currency: 'CNY' }
  }
  purchase: {
    date: string
    order_ref: string
    amount: { amount: number; currency: 'CNY' }
    channel: 'online'
  }
}

export function sampleComplaint(enterpriseId: string, externalRef: string): SampleComplaint {
  return {
    external_ref: externalRef,
    channel: 'hotline_12315',
    enterprise_id: enterpriseId,
    consumer: { name: '张伟', phone: '13812341234' },
    problem_type: 'contract',
    category: '网络服务 / 视频会员',
    claim: {
      description: '购买年度会员时承诺可以观看的影片，现在都不能播放了。',
      demands: ['refund'],
      amount: { amount: 2700, currency: 'CNY' },
    },
    purchase: {
      date: '2026-03-01',
      order_ref: 'VIP-88231',
      amount: { amount: 19800, currency: 'CNY' },
      channel: 'online',
    },
  }
}
