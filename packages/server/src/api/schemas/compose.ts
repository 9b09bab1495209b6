import { Type } from 'typebox';
import { SendBody } from './mail.js';

/** An upload as the API shows it. */
export const UploadModel = Type.Object(
  {
    id: Type.String({ description: 'What a send or draft names in `attachments[].uploadId`' }),
    name: Type.String({ description: 'The file name given in `?name=`' }),
    size: Type.Integer({ minimum: 0, description: 'Bytes received' }),
    contentType: Type.String({ description: 'The request’s Content-Type, or `application/octet-stream`' }),
    expiresAt: Type.String({ format: 'date-time', description: 'When the upload is deleted if unused' }),
  },
  { $id: 'Upload', title: 'Upload' },
);

const { draftId: _draftId, ...draftFields } = SendBody.properties;

/** A draft: the fields of a send, every one optional (a draft may have no recipient or subject yet). */
export const DraftBody = Type.Partial(Type.Object(draftFields), {
  $id: 'DraftRequest',
  title: 'DraftRequest',
  additionalProperties: false,
  description:
    'A message being written: the fields of a send, all optional. It is filed in the user’s `\\Drafts` mailbox with the `\\Draft` flag.',
});
