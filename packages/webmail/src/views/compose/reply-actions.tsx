import { type ComposeMode, composePath, navigate } from '../../router.js';
import { useComposeText } from './compose-text.js';
import './compose.css';

const ACTIONS: {
  mode: Exclude<ComposeMode, 'new'>;
  key: 'action.reply' | 'action.replyAll' | 'action.forward' | 'action.forwardAttachment';
}[] = [
  { mode: 'reply', key: 'action.reply' },
  { mode: 'replyAll', key: 'action.replyAll' },
  { mode: 'forward', key: 'action.forward' },
  { mode: 'forwardAttachment', key: 'action.forwardAttachment' },
];

/** Reply, reply all, forward and forward as attachment: links to the compose screen for message `id`. */
export function ReplyActions({ id }: { id: string }) {
  const { text } = useComposeText();
  return (
    <span class="reply-actions">
      {ACTIONS.map(({ mode, key }) => {
        const href = composePath({ mode, of: id });
        return (
          <a
            key={mode}
            class="button"
            href={href}
            data-testid={`action-${mode}`}
            onClick={(e) => {
              if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
              e.preventDefault();
              navigate(href);
            }}
          >
            {text(key)}
          </a>
        );
      })}
    </span>
  );
}
