import type { ThreadNode } from '../../protocol/index.js';
import { asciiCasemap, baseSubject } from './base-subject.js';

/** What threading needs of a message. */
export interface ThreadMessage {
  /** The number the answer uses (sequence number or UID). */
  readonly id: number;
  readonly seq: number;
  /** Sent date (RFC 5256 §2.2), epoch ms. */
  readonly date: number;
  /** The subject, encoded words decoded. */
  readonly subject: string;
  readonly messageId: string | null;
  /** References, or failing those the first msg-id of In-Reply-To (RFC 5256 §3 REFERENCES step 1). */
  readonly references: readonly string[];
}

interface Container {
  message: ThreadMessage | null;
  parent: Container | null;
  children: Container[];
}

const container = (): Container => ({ message: null, parent: null, children: [] });

/** Whether `a` is `b` or one of its ancestors (linking b above a would make a loop). */
function isAncestor(a: Container, b: Container): boolean {
  for (let c: Container | null = b; c; c = c.parent) if (c === a) return true;
  return false;
}

function unlink(child: Container): void {
  if (!child.parent) return;
  child.parent.children = child.parent.children.filter((c) => c !== child);
  child.parent = null;
}

function link(parent: Container, child: Container): void {
  child.parent = parent;
  parent.children.push(child);
}

/** Steps 1 and 2: containers linked by References, and the root set. */
function linkMessages(messages: readonly ThreadMessage[]): Container[] {
  const byId = new Map<string, Container>();
  const all: Container[] = [];
  const lookup = (id: string) => {
    let c = byId.get(id);
    if (!c) {
      c = container();
      byId.set(id, c);
      all.push(c);
    }
    return c;
  };
  for (const message of messages) {
    let own = message.messageId ? byId.get(message.messageId) : undefined;
    if (!own || own.message) {
      // (A) missing or duplicate Message-ID: the message gets a container of its own.
      own = message.messageId && !byId.has(message.messageId) ? lookup(message.messageId) : container();
      if (!all.includes(own)) all.push(own);
    }
    own.message = message;
    // (B) each reference is the parent of the next, unless already linked or a loop would form.
    let previous: Container | null = null;
    for (const ref of message.references) {
      const c = lookup(ref);
      if (previous && !c.parent && !isAncestor(c, previous)) link(previous, c);
      previous = c;
    }
    // (C) the last reference is this message's parent, replacing any presumed one.
    unlink(own);
    if (previous && !isAncestor(own, previous)) link(previous, own);
  }
  return all.filter((c) => c.parent === null);
}

/** Step 4: dummies without children go; dummies' children move up, except several at the top. */
function prune(siblings: readonly Container[], top: boolean): Container[] {
  const out: Container[] = [];
  for (const c of siblings) {
    c.children = prune(c.children, false);
    if (!c.message && (c.children.length === 0 || !top || c.children.length === 1)) {
      for (const child of c.children) {
        child.parent = top ? null : c.parent;
        out.push(child);
      }
      continue;
    }
    out.push(c);
  }
  return out;
}

/** The message that dates a container: its own, or its first child's (after sorting). */
function lead(c: Container): ThreadMessage | null {
  return c.message ?? (c.children[0] ? lead(c.children[0]) : null);
}

function byDate(a: Container, b: Container): number {
  const x = lead(a);
  const y = lead(b);
  if (!x || !y) return 0;
  return x.date - y.date || x.seq - y.seq;
}

/** Step 7: siblings by sent date, deepest first so a dummy is dated by its first child. */
function sortTree(siblings: Container[]): void {
  for (const c of siblings) sortTree(c.children);
  siblings.sort(byDate);
}

/** Step 6: top-level threads with the same base subject are gathered. */
function gatherSubjects(roots: Container[]): Container[] {
  const table = new Map<string, Container>();
  const subjectOf = (c: Container) => {
    const m = lead(c);
    return m ? baseSubject(m.subject) : { base: '', replyOrForward: false };
  };
  const keyOf = (c: Container) => asciiCasemap(subjectOf(c).base);
  const isReply = (c: Container) => c.message !== null && subjectOf(c).replyOrForward;
  for (const c of roots) {
    const key = keyOf(c);
    if (!key) continue;
    const old = table.get(key);
    if (!old || (!c.message && old.message) || (isReply(old) && !isReply(c))) table.set(key, c);
  }
  // The table now holds a dummy if the subject has one, else a message that is no reply if there is
  // one, else the first reply: each other container of the subject comes after it in `roots`, or is
  // a message going under a dummy; so RFC 5256's two "misordered" cases cannot arise here.
  const out: Container[] = [];
  const replaced = new Map<Container, Container>();
  for (const c of roots) {
    const key = keyOf(c);
    const other = key ? table.get(key) : undefined;
    if (!other || other === c) {
      out.push(c);
      continue;
    }
    if (!other.message) {
      if (c.message) link(other, c);
      else for (const child of c.children) link(other, child);
    } else if (!isReply(other) && isReply(c)) link(other, c);
    else {
      const dummy = container();
      unlink(other);
      link(dummy, other);
      link(dummy, c);
      table.set(key, dummy);
      replaced.set(other, dummy);
    }
  }
  return out.map((c) => replaced.get(c) ?? c);
}

function toNode(c: Container): ThreadNode {
  return { id: c.message ? c.message.id : null, children: c.children.map(toNode) };
}

/**
 * THREAD=REFERENCES (RFC 5256 §3): threads from Message-ID, References and
 * In-Reply-To (the JWZ algorithm), pruned, gathered by base subject, every
 * set of siblings in sent-date order (then sequence number).
 */
export function threadByReferences(messages: readonly ThreadMessage[]): ThreadNode[] {
  let roots = prune(linkMessages(messages), true);
  for (const r of roots) sortTree(r.children);
  roots.sort(byDate);
  roots = gatherSubjects(roots);
  sortTree(roots);
  return roots.map(toNode);
}
