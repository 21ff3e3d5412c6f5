/** Marks the stylesheet for the build, which squeezes its whitespace (see rollup.config.mjs). */
const css = String.raw;

/**
 * The checkout's look. Partners theme it through the `--tts-*` properties (each read once
 * here into a private `--_*` one) and `::part()`. Default colours meet WCAG AA (≥ 4.5:1)
 * against the surface they sit on: text #111827 on white 17:1, muted #4b5563 7.6:1, accent
 * #1d4ed8 6.7:1 (white on it too), error #991b1b on #fee2e2 7.1:1, success #166534 on
 * #dcfce7 6.5:1, test panel #78350f on #fef3c7 8.6:1, the close prompt #1e3a8a on #dbeafe
 * 9.9:1. A partner accent must keep 4.5:1 against `--tts-accent-text` and the surface.
 * Every rule here counts against the 16 KB budget of the script: keep it terse.
 */
export const styles = css`
  :host {
    --_a: var(--tts-accent, #1d4ed8);
    --_r: var(--tts-radius, 12px);
    --_s: calc(var(--_r) / 1.5);
    --_bg: var(--tts-surface, #fff);
    --_fg: var(--tts-text, #111827);
    --_line: 1px solid var(--tts-border, #d1d5db);
    display: inline-block;
    font-family: var(--tts-font, system-ui, sans-serif);
  }
  :host([mode='page']),:host([mode='inline']) {
    display: block;
  }
  * {
    box-sizing: border-box;
    font: inherit;
  }
  .trigger,
  .primary,
  .secondary {
    display: inline-block;
    border: 2px solid var(--_a);
    border-radius: var(--_s);
    padding: 0.7em 1.25em;
    font-weight: 700;
    text-align: center;
    text-decoration: none;
    cursor: pointer;
    background: var(--_a);
    color: var(--tts-accent-text, #fff);
  }
  .primary,
  .secondary {
    width: 100%;
    margin-top: 0.75rem;
  }
  .secondary,
  .stepper button {
    background: var(--_bg);
    color: var(--_a);
  }
  [aria-disabled='true'],
  :disabled {
    opacity: 0.5;
    cursor: not-allowed;
  }
  :focus-visible {
    outline: 3px solid var(--_a);
    outline-offset: 2px;
  }
  /* Headings take focus only to announce a new step; a ring there looks like a control. */
  [tabindex='-1'] {
    outline: none;
  }
  dialog {
    padding: 0;
    border: 0;
    border-radius: var(--_r);
    width: min(30rem, 100vw - 2rem);
    /* One height for every step: the modal never jumps; a long step scrolls inside. */
    height: min(42rem, 100dvh - 2rem);
    box-shadow: 0 20px 50px #0005;
    animation: in 0.2s;
  }
  dialog::backdrop {
    background: #1118;
  }
  @keyframes in {
    from {
      opacity: 0;
      translate: 0 1rem;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    dialog {
      animation: none;
    }
  }
  @media (max-width: 480px) {
    dialog {
      width: 100%;
      max-width: none;
      height: 100%;
      max-height: none;
      margin: 0;
      border-radius: 0;
    }
  }
  dialog .panel {
    display: flex;
    flex-direction: column;
    height: 100%;
  }
  dialog .body {
    flex: 1;
    overflow-y: auto;
  }
  .steps {
    display: flex;
    gap: 0.25rem;
    margin: 0;
    padding: 0.5rem 1.25rem;
    list-style: none;
    font-size: 0.75rem;
    color: var(--tts-muted, #4b5563);
    border-bottom: var(--_line);
  }
  .steps li {
    flex: 1;
    border-top: 3px solid var(--tts-border, #d1d5db);
    padding-top: 0.2rem;
  }
  .steps .on {
    border-color: var(--_a);
  }
  [aria-current] {
    color: var(--_fg);
    font-weight: 700;
  }
  .sum {
    margin-bottom: 1rem;
    border-bottom: var(--_line);
  }
  .panel {
    background: var(--_bg);
    color: var(--_fg);
    line-height: 1.5;
    overflow-wrap: anywhere;
  }
  :host([mode='page']) .panel,:host([mode='inline']) .panel {
    border: var(--_line);
    border-radius: var(--_r);
  }
  header {
    position: relative;
    padding: 1rem 3.5rem 0.75rem 1.25rem;
    border-bottom: var(--_line);
  }
  h2,
  h3 {
    font-size: 1.2rem;
    font-weight: 700;
    margin: 0;
  }
  h3 {
    font-size: 1.05rem;
    margin-bottom: 0.75rem;
  }
  p {
    margin: 0.25rem 0 0.75rem;
  }
  .x {
    position: absolute;
    top: 0.5rem;
    right: 0.5rem;
    font-size: 1.5rem;
  }
  .x,
  .stepper button {
    width: 2.75rem;
    height: 2.75rem;
    border-radius: 50%;
    cursor: pointer;
  }
  .x,
  .link {
    border: 0;
    background: none;
    color: inherit;
  }
  .body {
    padding: 1rem 1.25rem;
  }
  .muted,
  footer {
    color: var(--tts-muted, #4b5563);
    font-size: 0.875rem;
  }
  .row {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 0.75rem;
    padding: 0.6rem 0;
    border-top: var(--_line);
    margin: 0;
  }
  b,
  label,
  output {
    display: block;
    font-weight: 700;
  }
  .stepper {
    display: flex;
    align-items: center;
  }
  .stepper button {
    border: 2px solid var(--_a);
    font-size: 1.25rem;
  }
  output {
    min-width: 2rem;
    text-align: center;
  }
  label {
    margin: 0.75rem 0 0.25rem;
  }
  input {
    width: 100%;
    padding: 0.6rem 0.75rem;
    border: 1px solid #6b7280;
    border-radius: var(--_s);
    background: #fff;
    color: #111827;
  }
  [aria-invalid='true'] {
    border: 2px solid #991b1b;
  }
  .bad {
    color: #991b1b;
  }
  .code {
    font-size: 1.75rem;
    letter-spacing: 0.3em;
  }
  .actions {
    display: flex;
    gap: 0.75rem;
  }
  .link {
    display: block;
    margin: 0.75rem auto 0;
    padding: 0.5rem;
    color: var(--_a);
    text-decoration: underline;
    cursor: pointer;
  }
  .error,
  .ok,
  .notice,
  .ask,
  .test {
    border-radius: var(--_s);
    padding: 0.75rem 1rem;
    margin: 0 0 1rem;
    font-weight: 600;
    color: #991b1b;
    background: #fee2e2;
  }
  .ok {
    background: #dcfce7;
    color: #166534;
  }
  .ask {
    background: #dbeafe;
    color: #1e3a8a;
  }
  .test {
    background: #fef3c7;
    color: #78350f;
    border: 2px dashed #b45309;
  }
  .badge {
    padding: 0 0.5rem;
    border-radius: 1rem;
    background: #78350f;
    color: #fff;
    font-size: 0.75rem;
    font-weight: 700;
  }
  .error .secondary {
    width: auto;
    padding: 0.3em 1em;
  }
  .ticket {
    border-top: var(--_line);
    padding: 0.75rem 0 1rem;
    text-align: center;
  }
  img {
    width: 200px;
    max-width: 100%;
    height: auto;
  }
  footer {
    display: flex;
    justify-content: space-between;
    flex-wrap: wrap;
    gap: 0.5rem;
    padding: 0.75rem 1.25rem;
    border-top: var(--_line);
  }
  .sr {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
  }
`;
