import { createRequire } from 'node:module';

/**
 * A CommonJS package loaded the first time it is used rather than when the server starts.
 * Loading is synchronous (`require`), so callers stay synchronous; every call after the first
 * returns the same module. Start loads only what serving needs: the PDF, QR, SMTP and Razorpay
 * libraries together took a few hundred milliseconds of every start while most servers use
 * them rarely or never (docs/decisions/0047-start-memory-and-export-at-a-million-tickets.md).
 *
 * `from` is the caller's `import.meta.url`, so the package resolves as the caller's own import would.
 *
 * @example
 * const pdf = loadOnFirstUse<typeof import('jspdf')>(import.meta.url, 'jspdf');
 * const doc = new (pdf().jsPDF)({ unit: 'mm' });
 */
export function loadOnFirstUse<T>(from: string, specifier: string): () => T {
  let loaded: { module: T } | undefined;
  return () => {
    loaded ??= { module: createRequire(from)(specifier) as T };
    return loaded.module;
  };
}
