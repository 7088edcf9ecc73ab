import { Type } from 'typebox'
import { consumerDecisions, consumerRatings, MAX_COMMENT_LENGTH } from '../domain/confirmation/answers.js'
import { StringEnum, Timestamp } from './common.js'

/** `settlement.consumer_confirmation`: what the consumer answered on the confirmation page. */
export const ConsumerConfirmation = Type.Object(
  {
    decision: StringEnum(consumerDecisions, {
      description: 'The consumer confirmed the settlement as agreed, or rejected it.',
    }),
    rating: StringEnum(consumerRatings, { description: '满意 / 基本满意 / 不满意.' }),
    comment: Type.Optional(
      Type.Union([Type.String({ maxLength: MAX_COMMENT_LENGTH }), Type.Null()], {
        description:
          'What the consumer wrote, as typed; absent when they wrote nothing; null once `erase-personal-data` erased it (decision, rating and `at` stay).',
      }),
    ),
    at: Timestamp,
  },
  { $id: 'ConsumerConfirmation' },
)

const requestFields = {
  id: Type.String({ examples: ['cfr_01jdq3c0k2m4n6p8r0t2v4x6z8'] }),
  object: Type.Literal('confirmation_request'),
  dispute_id: Type.String(),
  settlement_id: Type.String(),
  url: Type.String({
    format: 'uri',
    description:
      'The one-time link for the consumer, under `HEJIE_PUBLIC_URL`. Send it to the consumer (SMS); it is the key to the page.',
    examples: ['https://odr.example.gov.cn/c/3q2-7wXbQ0m8Zr1yH5kLfA'],
  }),
  expires_at: Timestamp,
  created_at: Timestamp,
}

/**
 * A confirmation request as its creator receives it, with the code this once; the event
 * `confirmation.requested` carries the same object without the code.
 */
export const ConfirmationRequest = Type.Object(
  {
    ...requestFields,
    code: Type.Optional(
      Type.String({
        pattern: '^[0-9]{6}$',
        description:
          'The 6-digit code the page asks for before it shows anything. Returned only in this answer (a replay of the request omits it); give it to the consumer by another way than the link if you can.',
      }),
    ),
  },
  { $id: 'ConfirmationRequest' },
)

export const ConfirmationRequestBody = Type.Object({}, { additionalProperties: false })

/** The page's form: one schema for both steps (the code, then the decision). */
export const ConfirmationForm = Type.Object(
  {
    step: StringEnum(['code', 'decide'] as const),
    form: Type.String({ maxLength: 200 }),
    code: Type.Optional(Type.String({ maxLength: 20 })),
    decision: Type.Optional(Type.String({ maxLength: 20 })),
    rating: Type.Optional(Type.String({ maxLength: 40 })),
    comment: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
)

/** Registered after the dispute schemas (which carry `ConsumerConfirmation` before `Settlement`). */
export const confirmationSchemas = [ConfirmationRequest]
