import type { Transform } from 'node:stream';
import { type MessageChunk, MimeNode, Splitter } from '@zone-eu/mailsplit';
import { storableText } from '../shared/index.js';
import type { Address, MessageIndex } from '../store/index.js';
import { splitHeaderSection } from './headers.js';
import { emptyHeaderFields, type HeaderFields, headerFields } from './index-headers.js';
import { bodyIndex, type Leaf, previewOf } from './index-text.js';

export { previewOf };

/**
 * Body bytes parsed for the index in the common case. The preview needs only the first lines
 * of text, and attachments anywhere are seen by ingest's scanner. A head whose first bytes hold
 * no text at all (an HTML mail opening with a large style block) is parsed again, whole.
 */
const INDEX_BODY_BYTES = 4096;

/** The top-level MIME node, parsed by mailsplit from the header section alone. */
function rootNode(header: Buffer): MimeNode {
  const node = new MimeNode(false);
  node.addHeaderChunk(header);
  node.parseHeaders();
  return node;
}

/** Every part of a multipart message with its (still transfer-encoded) body, in order. */
function splitParts(buf: Buffer): Promise<Leaf[]> {
  return new Promise((resolve, reject) => {
    const leaves = new Map<MimeNode, Buffer[]>();
    const splitter = new Splitter();
    splitter.on('data', (data: MimeNode | MessageChunk) => {
      if (data.type === 'node') leaves.set(data, []);
      else if (data.type === 'body') leaves.get(data.node)?.push(data.value);
    });
    // mailsplit's typings declare only its 'data' event; it is a Transform like any other
    const stream = splitter as unknown as Transform;
    stream.once('error', reject);
    stream.once('end', () => resolve([...leaves].map(([node, body]) => ({ node, body }))));
    splitter.end(buf);
  });
}

/**
 * The top-level Content-Type line and the empty line after it: all the splitter needs of the
 * header section, which is often mostly trace, DKIM and ARC lines it would parse a second time.
 */
function contentTypeHeader(root: MimeNode): Buffer {
  const line = root.headers ? root.headers.getList().find((l) => l.key === 'content-type')?.line : undefined;
  return Buffer.from(`${line ?? ''}\r\n\r\n`, 'latin1');
}

/**
 * The parts of `buf`. A single-part message needs no splitting: its body is everything after
 * the header section, and mailsplit is only run where there are boundaries to find.
 */
function partsOf(root: MimeNode, buf: Buffer, bodyStart: number): Promise<Leaf[]> {
  if (root.multipart) return splitParts(Buffer.concat([contentTypeHeader(root), buf.subarray(bodyStart)]));
  if (root.rfc822) return splitParts(buf);
  return Promise.resolve([{ node: root, body: [buf.subarray(bodyStart)] }]);
}

/** Preview and attachments from the start of the body, or from all of `head` when the start holds no text. */
async function bodyFields(root: MimeNode, head: Buffer, bodyStart: number) {
  const short = head.subarray(0, Math.min(head.length, bodyStart + INDEX_BODY_BYTES));
  const body = bodyIndex(await partsOf(root, short, bodyStart));
  if (body.preview || short.length === head.length) return body;
  try {
    return bodyIndex(await partsOf(root, head, bodyStart));
  } catch {
    return body; // mailsplit gives up on some messages (more than 1,000 parts): keep what the start gave
  }
}

/**
 * Index fields from the first bytes of a message (header and the start of the body), with
 * mailparser's building blocks (mailsplit, libmime) and none of its per-message machinery.
 * Never throws: what cannot be parsed is left empty.
 */
export async function parseIndex(head: Buffer, sawAttachment: boolean): Promise<MessageIndex> {
  // A message without an empty line is all header.
  const { headerEnd, bodyStart } = splitHeaderSection(head) ?? {
    headerEnd: head.length,
    bodyStart: head.length,
  };
  let root: MimeNode | undefined;
  let fields: HeaderFields;
  try {
    root = rootNode(head.subarray(0, headerEnd));
    fields = headerFields(root.headers ? root.headers.getList() : []);
  } catch {
    fields = emptyHeaderFields();
  }
  let body = { preview: '', hasAttachments: false };
  try {
    if (root) body = await bodyFields(root, head, bodyStart);
  } catch {
    // a body mailsplit gives up on (too many parts, an endless header) has no preview
  }
  return storable({ ...fields, preview: body.preview, hasAttachments: sawAttachment || body.hasAttachments });
}

const storableAddress = (a: Address): Address => ({
  name: storableText(a.name),
  address: storableText(a.address),
});

/**
 * The index with every text field as both database engines store it (see
 * `storableText`): a sender's NUL, raw or encoded (`=?utf-8?q?=00?=`), once made
 * PostgreSQL refuse the delivery for good (451, retried until the sender gave
 * up) while SQLite took it. The message's bytes are stored as sent.
 */
function storable(index: MessageIndex): MessageIndex {
  return {
    ...index,
    from: storableAddress(index.from),
    to: index.to.map(storableAddress),
    cc: index.cc.map(storableAddress),
    subject: storableText(index.subject),
    messageId: index.messageId === null ? null : storableText(index.messageId),
    preview: storableText(index.preview),
  };
}
