/** A base subject, and whether getting it removed a reply or forward marker (RFC 5256 §2.1, §5 "reply or forward"). */
export interface BaseSubject {
  readonly base: string;
  readonly replyOrForward: boolean;
}

// subj-trailer = "(fwd)" / WSP
const TRAILER = /(?:\(fwd\)|[ \t])$/i;
// subj-leader = (*subj-blob subj-refwd) / WSP; subj-refwd = ("re" / ("fw" ["d"])) *WSP [subj-blob] ":"
// subj-blob = "[" *BLOBCHAR "]" *WSP, BLOBCHAR = any character but "[" and "]"
const BLOB = String.raw`\[[^\[\]]*\][ \t]*`;
const LEADER = new RegExp(String.raw`^(?:(?:${BLOB})*(re|fwd?)[ \t]*(?:${BLOB})?:|[ \t])`, 'i');
const LEADING_BLOB = new RegExp(`^${BLOB}`);
// subj-fwd-hdr = "[fwd:", subj-fwd-trl = "]"
const FWD_HDR = /^\[fwd:/i;

/**
 * The base subject of RFC 5256 §2.1, from a subject already decoded (RFC
 * 2047 words, step 1): white space collapsed; `(fwd)` trailers, `Re:`,
 * `Fw:`, `Fwd:` leaders and `[list]` blobs removed, repeatedly; a
 * `[fwd: …]` wrapper unwrapped. SORT compares base subjects with
 * i;ascii-casemap (see {@link subjectKey}); THREAD groups by them.
 */
export function baseSubject(subject: string): BaseSubject {
  let s = subject.replace(/[\t\r\n ]+/g, ' ');
  let replyOrForward = false;
  for (;;) {
    // (2) trailers
    for (let m = TRAILER.exec(s); m; m = TRAILER.exec(s)) {
      if (m[0] !== ' ' && m[0] !== '\t') replyOrForward = true;
      s = s.slice(0, m.index);
    }
    // (3)-(5) leaders and blobs
    for (let changed = true; changed; ) {
      changed = false;
      for (let m = LEADER.exec(s); m; m = LEADER.exec(s)) {
        if (m[1]) replyOrForward = true;
        s = s.slice(m[0].length);
        changed = true;
      }
      const blob = LEADING_BLOB.exec(s);
      if (blob && s.slice(blob[0].length).trim() !== '') {
        s = s.slice(blob[0].length);
        changed = true;
      }
    }
    // (6) [fwd: ...]
    if (FWD_HDR.test(s) && s.endsWith(']')) {
      s = s.slice(5, -1);
      replyOrForward = true;
      continue;
    }
    return { base: s, replyOrForward };
  }
}

/** i;ascii-casemap (RFC 4790 §9.2): ASCII letters compared without case, everything else as is. */
export function asciiCasemap(text: string): string {
  return text.replace(/[a-z]+/g, (m) => m.toUpperCase());
}

/** The SUBJECT sort key of a decoded subject. */
export function subjectKey(subject: string): string {
  return asciiCasemap(baseSubject(subject).base);
}
