import { Editor } from '@tiptap/core';
import StarterKit from '@tiptap/starter-kit';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ComposeKey, ComposeText } from './compose-text.js';

/** The body being written: rich (HTML from the editor) or plain text. */
export interface Body {
  mode: 'rich' | 'plain';
  html: string;
  text: string;
}

interface Props {
  body: Body;
  onChange: (body: Body) => void;
  text: ComposeText;
  labelledBy: string;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c] ?? c);

/** Plain text as editor paragraphs (one per line; empty lines kept). */
export const textToHtml = (text: string) =>
  text
    .split(/\r?\n/)
    .map((line) => `<p>${escapeHtml(line)}</p>`)
    .join('');

type Command = (e: Editor) => boolean;
const BUTTONS: { key: ComposeKey; mark: string; label: string; run: Command; active: string }[] = [
  {
    key: 'editor.bold',
    mark: 'B',
    label: 'bold',
    run: (e) => e.chain().focus().toggleBold().run(),
    active: 'bold',
  },
  {
    key: 'editor.italic',
    mark: 'I',
    label: 'italic',
    run: (e) => e.chain().focus().toggleItalic().run(),
    active: 'italic',
  },
  {
    key: 'editor.underline',
    mark: 'U',
    label: 'underline',
    run: (e) => e.chain().focus().toggleUnderline().run(),
    active: 'underline',
  },
  {
    key: 'editor.strike',
    mark: 'S',
    label: 'strike',
    run: (e) => e.chain().focus().toggleStrike().run(),
    active: 'strike',
  },
  {
    key: 'editor.bulletList',
    mark: '•',
    label: 'bullet',
    run: (e) => e.chain().focus().toggleBulletList().run(),
    active: 'bulletList',
  },
  {
    key: 'editor.orderedList',
    mark: '⒈',
    label: 'ordered',
    run: (e) => e.chain().focus().toggleOrderedList().run(),
    active: 'orderedList',
  },
  {
    key: 'editor.quote',
    mark: '❝',
    label: 'quote',
    run: (e) => e.chain().focus().toggleBlockquote().run(),
    active: 'blockquote',
  },
];

/**
 * The message body: TipTap (ProseMirror) for rich text, with a toolbar of labelled toggle
 * buttons, or a textarea for plain text. Everything is bundled (the page's CSP allows no
 * CDN); the HTML it yields is sanitized again before it is saved or sent.
 */
export function BodyEditor({ body, onChange, text, labelledBy }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<Editor | null>(null);
  const latest = useRef(body);
  latest.current = body;
  const [, setTick] = useState(0);

  useEffect(() => {
    if (body.mode !== 'rich' || !host.current) return;
    const e = new Editor({
      element: host.current,
      extensions: [StarterKit.configure({ link: { openOnClick: false, autolink: true } })],
      content: body.html || '<p></p>',
      editorProps: {
        attributes: {
          class: 'editor__content',
          role: 'textbox',
          'aria-multiline': 'true',
          'aria-labelledby': labelledBy,
        },
      },
      onUpdate: ({ editor: ed }) => onChange({ ...latest.current, html: ed.getHTML(), text: ed.getText() }),
      onSelectionUpdate: () => setTick((n) => n + 1),
    });
    editor.current = e;
    return () => {
      e.destroy();
      editor.current = null;
    };
    // Re-created only when the mode changes; content updates flow out through onUpdate.
  }, [body.mode]);

  const toPlain = () => {
    if (latest.current.html.replace(/<[^>]+>/g, '').trim() && !confirm(text('editor.toPlainConfirm'))) return;
    onChange({ mode: 'plain', html: '', text: editor.current?.getText({ blockSeparator: '\n' }) ?? '' });
  };
  const toRich = () =>
    onChange({ mode: 'rich', html: textToHtml(latest.current.text), text: latest.current.text });

  const link = () => {
    const e = editor.current;
    if (!e) return;
    const href = prompt(text('editor.linkPrompt'), e.getAttributes('link').href ?? 'https://');
    if (href === null) return;
    if (!href || !/^(https?:|mailto:)/i.test(href)) e.chain().focus().unsetLink().run();
    else e.chain().focus().extendMarkRange('link').setLink({ href }).run();
  };

  return (
    <div class="editor">
      <div class="editor__toolbar" role="toolbar" aria-label={text('editor.toolbar')}>
        {body.mode === 'rich' &&
          BUTTONS.map((b) => (
            <button
              key={b.label}
              type="button"
              class={`tool tool--${b.label}`}
              aria-label={text(b.key)}
              title={text(b.key)}
              aria-pressed={editor.current?.isActive(b.active) ?? false}
              onMouseDown={(ev) => ev.preventDefault()}
              onClick={() => editor.current && b.run(editor.current)}
            >
              <span aria-hidden="true">{b.mark}</span>
            </button>
          ))}
        {body.mode === 'rich' && (
          <>
            <button
              type="button"
              class="tool"
              aria-label={text('editor.link')}
              title={text('editor.link')}
              onClick={link}
            >
              <svg
                aria-hidden="true"
                width="16"
                height="16"
                viewBox="0 0 24 24"
                fill="none"
                stroke="currentColor"
                stroke-width="2"
              >
                <path d="M10 14a5 5 0 0 0 7 0l3-3a5 5 0 0 0-7-7l-1 1" />
                <path d="M14 10a5 5 0 0 0-7 0l-3 3a5 5 0 0 0 7 7l1-1" />
              </svg>
            </button>
            <button
              type="button"
              class="tool"
              aria-label={text('editor.clear')}
              title={text('editor.clear')}
              onClick={() => editor.current?.chain().focus().unsetAllMarks().clearNodes().run()}
            >
              <span aria-hidden="true">⌫</span>
            </button>
          </>
        )}
        <span class="editor__spacer" />
        <button
          type="button"
          class="button button--quiet editor__mode"
          onClick={body.mode === 'rich' ? toPlain : toRich}
        >
          {body.mode === 'rich' ? text('editor.plain') : text('editor.rich')}
        </button>
      </div>
      {body.mode === 'rich' ? (
        <div ref={host} class="editor__host" data-testid="editor" />
      ) : (
        <textarea
          class="editor__plain"
          aria-labelledby={labelledBy}
          value={body.text}
          onInput={(e) => onChange({ ...body, text: (e.target as HTMLTextAreaElement).value })}
        />
      )}
    </div>
  );
}
