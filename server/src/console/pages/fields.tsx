/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';

/** Field name → what is wrong with it, shown under the input. */
export type FieldErrors = Record<string, string>;

/**
 * The id of a field's input, for labels and links to it.
 *
 * @example
 * fieldId('ticket_types.0.price'); // 'f-ticket_types-0-price'
 */
export const fieldId = (name: string) => `f-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;

interface InputProps {
  name: string;
  label: string;
  value?: string | undefined;
  errors?: FieldErrors | undefined;
  hint?: string | undefined;
  type?: 'text' | 'email' | 'password' | 'number' | 'search' | 'datetime-local' | 'date' | 'url';
  required?: boolean;
  autocomplete?: string;
  inputmode?: 'text' | 'decimal' | 'numeric' | 'email' | 'url';
  placeholder?: string;
  min?: string;
  max?: string;
  step?: string;
  maxlength?: number;
  autofocus?: boolean;
  /** The id of a `<datalist>` of suggestions. */
  list?: string;
}

/** The hint and error lines under an input, and the ids that tie them to it. */
function describe(name: string, hint: string | undefined, error: string | undefined) {
  const id = fieldId(name);
  const ids = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ');
  return { id, describedBy: ids || undefined };
}

const Notes: FC<{ id: string; hint?: string | undefined; error?: string | undefined }> = ({ id, hint, error }) => (
  <>
    {hint ? (
      <p class="hint" id={`${id}-hint`}>
        {hint}
      </p>
    ) : null}
    {error ? (
      <p class="field-error" id={`${id}-error`}>
        {error}
      </p>
    ) : null}
  </>
);

/**
 * A labelled input with its hint and its error right under it, tied together for screen
 * readers (`aria-describedby`, `aria-invalid`).
 *
 * @example
 * <Field name="email" label="Email" type="email" value={values.email} errors={errors} required />
 */
export const Field: FC<InputProps> = (props) => {
  const error = props.errors?.[props.name];
  const { id, describedBy } = describe(props.name, props.hint, error);
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <input
        id={id}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.value ?? ''}
        required={props.required}
        autocomplete={props.autocomplete}
        inputmode={props.inputmode}
        placeholder={props.placeholder}
        min={props.min}
        max={props.max}
        step={props.step}
        maxlength={props.maxlength}
        autofocus={props.autofocus}
        list={props.list}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy}
      />
      <Notes id={id} hint={props.hint} error={error} />
    </div>
  );
};

/**
 * A labelled multi-line input.
 *
 * @example
 * <TextArea name="allowed_origins" label="Allowed origins" value={values.allowed_origins} errors={errors} />
 */
export const TextArea: FC<{ name: string; label: string; value?: string; errors?: FieldErrors | undefined; hint?: string; rows?: number; maxlength?: number }> = (props) => {
  const error = props.errors?.[props.name];
  const { id, describedBy } = describe(props.name, props.hint, error);
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <textarea id={id} name={props.name} rows={props.rows ?? 3} maxlength={props.maxlength} aria-invalid={error ? 'true' : undefined} aria-describedby={describedBy}>
        {props.value ?? ''}
      </textarea>
      <Notes id={id} hint={props.hint} error={error} />
    </div>
  );
};

/**
 * A labelled select.
 *
 * @example
 * <Select name="status" label="Status" value="published" options={[['published', 'Published'], ['draft', 'Draft']]} />
 */
export const Select: FC<{ name: string; label: string; value: string; options: Array<[string, string]>; errors?: FieldErrors | undefined; hint?: string }> = (props) => {
  const error = props.errors?.[props.name];
  const { id, describedBy } = describe(props.name, props.hint, error);
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <select id={id} name={props.name} aria-invalid={error ? 'true' : undefined} aria-describedby={describedBy}>
        {props.options.map(([value, label]) => (
          <option value={value} selected={value === props.value}>
            {label}
          </option>
        ))}
      </select>
      <Notes id={id} hint={props.hint} error={error} />
    </div>
  );
};

/**
 * A checkbox with its label beside it.
 *
 * @example
 * <Checkbox name="require_email_verification" label="Buyers confirm their email with a code" checked />
 */
export const Checkbox: FC<{ name: string; label: string; checked: boolean; hint?: string; errors?: FieldErrors | undefined; required?: boolean }> = (props) => {
  const error = props.errors?.[props.name];
  const { id, describedBy } = describe(props.name, props.hint, error);
  return (
    <div class="field">
      <label class="check" for={id}>
        <input
          type="checkbox"
          id={id}
          name={props.name}
          value="on"
          checked={props.checked}
          required={props.required}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={describedBy}
        />
        <span>{props.label}</span>
      </label>
      <Notes id={id} hint={props.hint} error={error} />
    </div>
  );
};

/**
 * Every error of a form at its top, each a link to its field, so a keyboard or screen
 * reader user can jump straight to it.
 *
 * @example
 * <ErrorSummary errors={errors} labels={{ email: 'Email' }} />
 */
export const ErrorSummary: FC<{ errors: FieldErrors; labels: (field: string) => string; message?: string }> = ({ errors, labels, message }) => {
  const entries = Object.entries(errors);
  if (entries.length === 0) return null;
  return (
    <div class="banner bad" role="alert">
      {message ?? 'Please fix the highlighted fields.'}
      <ul class="errors">
        {entries.map(([field, text]) => (
          <li>
            <a href={`#${fieldId(field)}`}>{labels(field)}</a>: {text}
          </li>
        ))}
      </ul>
    </div>
  );
};
