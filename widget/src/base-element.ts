import { render } from 'lit/html.js';

/**
 * How one reactive property behaves: the part of Lit's property declaration the checkout uses.
 *
 * @example
 * static properties = { apiBase: { attribute: 'api-base' }, quantity: { type: Number }, busy: { state: true } };
 */
export interface PropertyDeclaration {
  /** The observed attribute (default: the property name in lower case); none for `state`. */
  attribute?: string;
  /** `Number` converts the attribute; otherwise it is read as a string. */
  type?: typeof Number;
  /** Writes the value back to the attribute after each render (for `:host([…])` styling). */
  reflect?: boolean;
  /** Internal state: re-renders on change, has no attribute. */
  state?: boolean;
}

/** The properties that changed in an update, each with its previous value. */
export type PropertyValues = Map<string, unknown>;

/** A constructed stylesheet per element class, shared by its instances. */
const sheets = new WeakMap<object, CSSStyleSheet>();

/**
 * The base of `<tts-checkout>`: Lit's templates (lit-html) rendered by the smallest reactive
 * layer that serves one element. It follows LitElement's contract (`static properties`,
 * `static styles`, `willUpdate` → `render` → `updated`, batched in a microtask, `updateComplete`)
 * at a fifth of its weight: LitElement's ReactiveElement is about 3 KB of the script's 16 KB budget
 * (docs/operations.md#performance-budgets), this is under 1 KB. See docs/widget.md#size.
 *
 * @example
 * class Hello extends BaseElement {
 *   static override properties = { name: {} };
 *   name = 'world';
 *   protected override render() { return html`<p>Hello ${this.name}</p>`; }
 * }
 */
export abstract class BaseElement extends HTMLElement {
  static properties: Record<string, PropertyDeclaration> = {};
  /** The element's stylesheet, adopted by its shadow root. */
  static styles = '';

  /**
   * Read once by `customElements.define`: the moment to turn each declared property into an
   * accessor on the prototype, so that assigning it schedules a render.
   */
  static get observedAttributes(): string[] {
    const attributes: string[] = [];
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass being defined, whose properties and prototype these are.
    for (const [name, declaration] of Object.entries(this.properties)) {
      // biome-ignore lint/complexity/noThisInStatic: as above.
      Object.defineProperty(this.prototype, name, {
        configurable: true,
        get(this: BaseElement) {
          return this.#values.get(name);
        },
        set(this: BaseElement, value: unknown) {
          this.#set(name, value);
        },
      });
      if (!declaration.state) attributes.push(declaration.attribute ?? name.toLowerCase());
    }
    return attributes;
  }

  #values = new Map<string, unknown>();
  #changed: PropertyValues = new Map();
  /** Values a page set on the element before this script defined it, applied on connection. */
  #early = new Map<string, unknown>();
  #scheduled = false;
  #updating = false;
  #connected = false;
  #done: Promise<void> = Promise.resolve();

  constructor() {
    super();
    const type = this.constructor as typeof BaseElement;
    // Taken now, before the subclass's field initializers write their defaults over them.
    for (const name of Object.keys(type.properties)) this.#unshadow(name, this.#early);
    const root = this.attachShadow({ mode: 'open' });
    if ('adoptedStyleSheets' in root && 'replaceSync' in CSSStyleSheet.prototype) {
      let sheet = sheets.get(type);
      if (!sheet) {
        sheet = new CSSStyleSheet();
        sheet.replaceSync(type.styles);
        sheets.set(type, sheet);
      }
      root.adoptedStyleSheets = [sheet];
    } else {
      // Browsers without constructable stylesheets need a <style> (and `style-src 'unsafe-inline'`).
      const style = document.createElement('style');
      style.textContent = type.styles;
      root.append(style);
    }
  }

  /** The shadow root the element renders into. */
  get renderRoot(): ShadowRoot {
    return this.shadowRoot!;
  }

  /** Resolves once the pending render (if any) is on screen. */
  get updateComplete(): Promise<void> {
    return this.#done;
  }

  connectedCallback(): void {
    this.#connected = true;
    // A class field compiled with define semantics is an own property too: put it behind its
    // accessor, then apply what the page set early, which wins over the defaults.
    const defined = new Map<string, unknown>();
    for (const name of Object.keys((this.constructor as typeof BaseElement).properties)) this.#unshadow(name, defined);
    for (const [name, value] of [...defined, ...this.#early]) (this as Record<string, unknown>)[name] = value;
    this.#early.clear();
    this.requestUpdate();
  }

  /** A plain own property named like a reactive one hides its accessor: take it off, keep its value. */
  #unshadow(name: string, into: Map<string, unknown>): void {
    if (!Object.hasOwn(this, name)) return;
    into.set(name, (this as Record<string, unknown>)[name]);
    delete (this as Record<string, unknown>)[name];
  }

  disconnectedCallback(): void {
    this.#connected = false;
  }

  attributeChangedCallback(attribute: string, _old: string | null, value: string | null): void {
    const entry = Object.entries((this.constructor as typeof BaseElement).properties).find(([name, d]) => !d.state && (d.attribute ?? name.toLowerCase()) === attribute);
    if (entry) (this as Record<string, unknown>)[entry[0]] = entry[1].type === Number ? Number(value ?? 0) : (value ?? '');
  }

  /** Schedules a render in a microtask; many changes in one task render once. */
  requestUpdate(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    this.#done = Promise.resolve().then(() => this.#update());
  }

  #set(name: string, value: unknown): void {
    const old = this.#values.get(name);
    if (Object.is(old, value)) return;
    this.#values.set(name, value);
    if (!this.#changed.has(name)) this.#changed.set(name, old);
    // Changes made in willUpdate join the update under way, as in Lit.
    if (!this.#updating) this.requestUpdate();
  }

  #update(): void {
    this.#scheduled = false;
    if (!this.#connected) return;
    this.#updating = true;
    const changed = this.#changed;
    try {
      this.willUpdate(changed);
    } finally {
      this.#updating = false;
    }
    this.#changed = new Map();
    render(this.render(), this.renderRoot, { host: this });
    const properties = (this.constructor as typeof BaseElement).properties;
    for (const name of changed.keys()) {
      const d = properties[name];
      if (d?.reflect) this.setAttribute(d.attribute ?? name.toLowerCase(), String(this.#values.get(name)));
    }
    this.updated(changed);
  }

  /** Before rendering: derive state from what changed (changes made here render in this update). */
  protected willUpdate(_changed: PropertyValues): void {}

  /** After rendering: reach into the DOM (focus, dialogs); changes made here render again. */
  protected updated(_changed: PropertyValues): void {}

  /** The shadow root's content: a Lit template (or anything lit-html renders). */
  protected abstract render(): unknown;
}
