import type { JSX } from 'preact';

interface Props extends Omit<JSX.InputHTMLAttributes<HTMLInputElement>, 'label'> {
  id: string;
  label: string;
  /** Shown under the field and linked to it (aria-describedby, aria-invalid). */
  error?: string | null;
  hint?: string;
}

/** A labelled input with its hint and error tied to it for screen readers. */
export function TextField({ id, label, error, hint, ...input }: Props) {
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div class="console-field">
      <label for={id}>{label}</label>
      <input
        id={id}
        name={id}
        {...input}
        aria-invalid={error ? true : undefined}
        aria-describedby={described || undefined}
      />
      {hint && (
        <p id={`${id}-hint`} class="console-field__hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} class="console-field__error">
          {error}
        </p>
      )}
    </div>
  );
}

interface SelectProps extends Omit<JSX.SelectHTMLAttributes<HTMLSelectElement>, 'label'> {
  id: string;
  label: string;
  options: ReadonlyArray<{ value: string; label: string }>;
}

export function SelectField({ id, label, options, ...select }: SelectProps) {
  return (
    <div class="console-field">
      <label for={id}>{label}</label>
      <select id={id} name={id} {...select}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}
