import { Type } from 'typebox'
import { filePurposes } from '../domain/file-types.js'
import { Nullable, StringEnum, Timestamp } from './common.js'

export const FilePurpose = StringEnum(filePurposes, {
  description:
    'What the file shows: the complaint, the consumer’s consent, a refund, a mediation session, or other.',
})

export const File = Type.Object(
  {
    id: Type.String({ examples: ['fil_01jdq3c0k2m4n6p8r0t2v4x6z8'] }),
    object: Type.Literal('file'),
    purpose: FilePurpose,
    dispute_id: Nullable(
      Type.String({
        description: 'Null until the intake that cites it binds it (within 24 h, or it is purged).',
      }),
    ),
    filename: Type.String({ description: 'The name the uploader gave; never used to decide the type.' }),
    content_type: Type.String({ description: 'The type recognised from the content’s first bytes.' }),
    size: Type.Integer({ minimum: 1, description: 'Bytes.' }),
    sha256: Type.String({
      description: 'Lower-case hex SHA-256 of the content; audit entries citing the file carry it.',
    }),
    created_at: Timestamp,
    content_erased_at: Nullable(
      Type.String({
        format: 'date-time',
        description: 'When erasure of the dispute’s personal data deleted the content (the hash stays).',
      }),
    ),
  },
  { $id: 'File', description: 'An evidence file: a recording, a photo, a receipt, a signed agreement.' },
)

/** The multipart form of an upload, for the spec (the route reads the stream itself). */
export const FileUploadForm = Type.Object(
  {
    purpose: FilePurpose,
    dispute_id: Type.Optional(
      Type.String({
        maxLength: 64,
        description: 'The dispute the file is for. Without it the file waits for an intake that cites it.',
      }),
    ),
    file: Type.String({
      format: 'binary',
      description:
        'The content: pdf, jpeg, png, webp, mp3, m4a, amr or wav, at most 10 MiB, recognised by its first bytes. Send it as the last part.',
    }),
  },
  { required: ['purpose', 'file'] },
)

export const fileSchemas = [File]
