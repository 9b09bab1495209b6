import { decodeHTML } from 'entities';

// Every pattern matches from its opening `<` on whatever follows (up to the end of the text when
// a tag or element is cut off), so none backtracks: linear time on hostile input.
// Elements whose content is never shown. One left open ends where <body> starts, or else hides
// the rest (the part was cut short inside a large <style>).
const HIDDEN = /<(head|style|script|title|template)\b[^>]*(?:>|$)[\s\S]*?(?:<\/\1\s*>|(?=<body\b)|$)/gi;
const COMMENT = /<!--[\s\S]*?(?:-->|$)/g;
// Tags that break a line: their boundary is whitespace, so `<td>a</td><td>b</td>` reads `a b`.
const BLOCK =
  /<\/?(address|article|aside|blockquote|br|dd|div|dl|dt|footer|h[1-6]|header|hr|li|main|nav|ol|p|pre|section|table|tbody|td|tfoot|th|thead|tr|ul)\b[^>]*(?:>|$)/gi;
// Any other tag, and the `<!DOCTYPE …>` / `<?xml …?>` declarations. A cut-off tag at the end is dropped too.
const TAG = /<[a-z!/?][^>]*(?:>|$)/gi;

/**
 * The visible text of an HTML body, for the preview only: markup dropped, entities decoded.
 * Unlike a renderer it keeps no layout, and unlike mailparser's html-to-text it neither
 * upper-cases headings nor appends link targets, which a one-line preview does not want.
 */
export function htmlToText(html: string): string {
  const text = html.replace(COMMENT, ' ').replace(HIDDEN, ' ').replace(BLOCK, '\n').replace(TAG, '');
  return decodeHTML(text);
}
