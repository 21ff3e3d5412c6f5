import type { Context } from 'hono';
import type { Flash } from './pages/layout.js';

/**
 * The banner a redirect asked for with `?notice=<name>`, looked up among the page's own
 * notices only. The name comes from the URL, and an object literal also "has" `__proto__`,
 * `constructor` and `toString`, which would render as an empty banner or worse.
 *
 * @example
 * const NOTICES: Record<string, Flash> = { saved: { tone: 'ok', message: 'Changes saved.' } };
 * const flash = noticeFrom(NOTICES, c); // `?notice=saved` → the banner; `?notice=constructor` → undefined
 */
export function noticeFrom(notices: Readonly<Record<string, Flash>>, c: Context): Flash | undefined {
  const name = c.req.query('notice') ?? '';
  return Object.hasOwn(notices, name) ? notices[name] : undefined;
}
