import type { DisputeAction } from '../../../domain/disputes/lifecycle.js'
import { recordContact } from './contact.js'
import type { EffectOf } from './effect.js'
import { erasePersonalData } from './erasure.js'
import { recordFeedback } from './feedback.js'
import { recordMediation } from './mediation.js'
import { reassign } from './reassign.js'
import { recordRefund } from './refund.js'
import { recordSettlement } from './settlement.js'
import { accept, close, decline, escalate, reportOutcome, withdraw } from './status-changes.js'
import { urge } from './urge.js'

/** Each action's own rule, by the action's name. */
export const effects: { [A in DisputeAction]: EffectOf<A> } = {
  accept,
  decline,
  contacts: recordContact,
  settlements: recordSettlement,
  refunds: recordRefund,
  outcome: reportOutcome,
  assign: reassign,
  escalate,
  withdraw,
  close,
  feedback: recordFeedback,
  'erase-personal-data': erasePersonalData,
  urge,
  'mediation-records': recordMediation,
}
