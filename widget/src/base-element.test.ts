import { afterEach, describe, expect, it } from 'vitest';
import { html } from 'lit/html.js';
import { BaseElement, type PropertyValues } from './base-element.js';

class Probe extends BaseElement {
  static override properties = { label: {}, count: { type: Number }, tone: { reflect: true }, hidden2: { state: true } };
  static override styles = ':host{display:block}';
  declare label: string;
  declare count: number;
  declare tone: string;
  declare hidden2: boolean;
  renders = 0;
  seen: PropertyValues[] = [];
  constructor() {
    super();
    this.label = 'hello';
    this.count = 0;
    this.tone = 'calm';
    this.hidden2 = false;
  }
  protected override willUpdate(changed: PropertyValues): void {
    this.seen.push(new Map(changed));
    if (changed.has('count')) this.label = `${this.label.split(' ')[0]} ${this.count}`;
  }
  protected override render() {
    this.renders += 1;
    return html`<p>${this.label}</p>`;
  }
}
customElements.define('probe-element', Probe);

afterEach(() => document.body.replaceChildren());

describe('BaseElement', () => {
  it('renders on connection, then once per batch of changes, with what changed and the old values', async () => {
    const el = document.createElement('probe-element') as Probe;
    document.body.append(el);
    await el.updateComplete;
    expect(el.shadowRoot!.textContent).toBe('hello 0');
    expect(el.renders).toBe(1);
    el.count = 1;
    el.count = 2;
    el.hidden2 = true;
    await el.updateComplete;
    expect(el.renders).toBe(2);
    expect(el.seen.at(-1)).toEqual(
      new Map<string, unknown>([
        ['count', 0],
        ['hidden2', false],
      ]),
    );
    // Set in willUpdate, rendered in the same update.
    expect(el.shadowRoot!.textContent).toBe('hello 2');
  });

  it('reads attributes into properties (numbers as numbers) and reflects those that ask', async () => {
    const el = document.createElement('probe-element') as Probe;
    el.setAttribute('count', '7');
    document.body.append(el);
    await el.updateComplete;
    expect(el.count).toBe(7);
    expect(el.getAttribute('tone')).toBe('calm');
    el.tone = 'loud';
    await el.updateComplete;
    expect(el.getAttribute('tone')).toBe('loud');
    expect(Probe.observedAttributes).not.toContain('hidden2');
  });

  it('keeps a property set before the element was defined', async () => {
    const early = document.createElement('probe-late') as HTMLElement & { count?: number };
    early.count = 5;
    document.body.append(early);
    customElements.define('probe-late', class extends Probe {});
    await (early as unknown as Probe).updateComplete;
    expect((early as unknown as Probe).count).toBe(5);
    expect(early.shadowRoot!.textContent).toBe('hello 5');
  });

  it('adopts its stylesheet into the shadow root', async () => {
    const el = document.createElement('probe-element') as Probe;
    document.body.append(el);
    expect(el.shadowRoot!.adoptedStyleSheets[0]?.cssRules[0]?.cssText).toContain('display: block');
  });
});
