import { useEffect, useRef, useState } from 'preact/hooks';
import type { Address } from '../../api/types.js';
import type { AddressBookEntry, ComposeApi } from './compose-api.js';
import type { ComposeText } from './compose-text.js';

const EMAIL = /^[^\s@<>()",;]+@[^\s@<>()",;]+\.[^\s@<>()",;]+$/;

/** `Name <a@b>` or `a@b` typed or pasted → an address, or null. */
export function parseTyped(value: string): Address | null {
  const v = value.trim().replace(/[,;，；]$/, '');
  const angled = /^(.*)<([^<>]+)>$/.exec(v);
  const address = (angled ? angled[2] : v)?.trim() ?? '';
  if (!EMAIL.test(address)) return null;
  return { name: angled ? (angled[1] ?? '').trim().replace(/^"|"$/g, '') : '', address };
}

interface Props {
  id: string;
  label: string;
  value: Address[];
  onChange: (list: Address[]) => void;
  api: ComposeApi;
  text: ComposeText;
}

/**
 * Recipients as chips with address-book suggestions, following the ARIA combobox pattern
 * (an input with `role=combobox` controlling a `listbox`; the active option by
 * `aria-activedescendant`): arrows move, Enter or Tab picks (or adds what was typed), Escape
 * closes, Backspace in an empty input removes the last chip.
 */
export function Recipients({ id, label, value, onChange, api, text }: Props) {
  const [input, setInput] = useState('');
  const [options, setOptions] = useState<AddressBookEntry[]>([]);
  const [active, setActive] = useState(-1);
  const [invalid, setInvalid] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const listId = `${id}-list`;
  const open = options.length > 0;

  useEffect(() => {
    const q = input.trim();
    if (q.length < 1 || q.includes(',')) {
      setOptions([]);
      return;
    }
    const abort = new AbortController();
    const timer = setTimeout(() => {
      api.addressBook(q, abort.signal).then(
        (items) => {
          setOptions(items.filter((e) => !value.some((v) => v.address === e.address)));
          setActive(-1);
        },
        () => setOptions([]),
      );
    }, 150);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [input, api, value]);

  const add = (a: Address) => {
    if (!value.some((v) => v.address.toLowerCase() === a.address.toLowerCase())) onChange([...value, a]);
    setInput('');
    setOptions([]);
    setInvalid(null);
  };
  const addTyped = (): boolean => {
    if (!input.trim()) return false;
    const parsed = parseTyped(input);
    if (!parsed) {
      setInvalid(text('recipients.invalid', { value: input.trim() }));
      return false;
    }
    add(parsed);
    return true;
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown' && open) {
      e.preventDefault();
      setActive((i) => (i + 1) % options.length);
    } else if (e.key === 'ArrowUp' && open) {
      e.preventDefault();
      setActive((i) => (i <= 0 ? options.length - 1 : i - 1));
    } else if (e.key === 'Enter' || (e.key === 'Tab' && input.trim()) || e.key === ',' || e.key === ';') {
      const pick = open ? options[Math.max(active, 0)] : undefined;
      if (pick) {
        e.preventDefault();
        add({ name: pick.name, address: pick.address });
      } else if (input.trim()) {
        e.preventDefault();
        addTyped();
      }
    } else if (e.key === 'Escape' && open) {
      e.preventDefault();
      setOptions([]);
    } else if (e.key === 'Backspace' && input === '' && value.length > 0) {
      onChange(value.slice(0, -1));
    }
  };

  return (
    <div class="recipients">
      <label class="compose__label" for={id}>
        {label}
      </label>
      <div class="recipients__box">
        <ul class="chips" aria-label={label}>
          {value.map((a) => (
            <li key={a.address} class="chip" title={a.address}>
              <span class="chip__name">{a.name || a.address}</span>
              <button
                type="button"
                class="chip__remove"
                aria-label={text('recipients.remove', { address: a.address })}
                onClick={() => onChange(value.filter((v) => v !== a))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
        <input
          ref={inputRef}
          id={id}
          class="recipients__input"
          type="text"
          role="combobox"
          autocomplete="off"
          aria-autocomplete="list"
          aria-expanded={open}
          aria-controls={listId}
          aria-describedby={`${id}-hint`}
          aria-activedescendant={open && active >= 0 ? `${id}-opt-${active}` : undefined}
          aria-invalid={invalid ? true : undefined}
          value={input}
          onInput={(e) => {
            setInput((e.target as HTMLInputElement).value);
            setInvalid(null);
          }}
          onKeyDown={onKeyDown}
          onBlur={() => {
            // A typed address counts when the user moves on; suggestions close.
            setTimeout(() => setOptions([]), 150);
            if (input.trim() && parseTyped(input)) addTyped();
          }}
        />
      </div>
      <span id={`${id}-hint`} class="visually-hidden">
        {text('recipients.hint')}
      </span>
      {invalid && (
        <p class="compose__field-error" role="alert">
          {invalid}
        </p>
      )}
      <div
        id={listId}
        role="listbox"
        class={open ? 'suggestions' : 'suggestions suggestions--closed'}
        aria-label={text('recipients.suggestions', { field: label })}
      >
        {options.map((o, i) => (
          <div
            key={o.address}
            id={`${id}-opt-${i}`}
            role="option"
            tabIndex={-1}
            aria-selected={i === active}
            class={i === active ? 'suggestion suggestion--active' : 'suggestion'}
            onMouseDown={(e) => {
              e.preventDefault();
              add({ name: o.name, address: o.address });
            }}
          >
            <span class="suggestion__name">{o.name || o.address}</span>
            <span class="suggestion__meta">
              {o.address}
              {o.kind === 'group'
                ? ` · ${text('recipients.group')}`
                : o.departments.length > 0
                  ? ` · ${o.departments.map((d) => d.name).join('、')}`
                  : ''}
            </span>
          </div>
        ))}
      </div>
    </div>
  );
}
