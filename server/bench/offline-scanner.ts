/**
 * The offline door scanner's budget (docs/door.md): at least 20 scans/s on a 100,000-ticket
 * event with no network. Runs the scanner's own check (`server/src/console/assets/offline-check.js`,
 * the file the browser loads) in this process on Node's WebCrypto: parse, Ed25519 verify, and
 * the look-ups in the sets a device keeps (100,000 tickets: half admitted, 1 % voided).
 * A scanner decides one code at a time, so scans are decided one after another.
 * IndexedDB's write of an admission is the browser's and is not measured here.
 */
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './child.js';
import { fmt, info, judge } from './report.js';

export const OFFLINE_SCANNER = { tickets: 100_000, scans: 3_000, minScansPerSecond: 20 } as const;

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const id = (prefix: string) => `${prefix}_${Array.from(randomBytes(22), (b) => BASE62[b % 62]).join('')}`;

interface OfflineCheck {
  importKey(publicKey: string): Promise<unknown>;
  decide(state: unknown, code: string, now: number): Promise<{ result: string; reason: string | null }>;
}

export interface OfflineScannerResult {
  scansPerSecond: number;
  admitted: number;
  refused: number;
  setupMs: number;
}

/** Decides `OFFLINE_SCANNER.scans` codes against a 100,000-ticket event's local copy. */
export async function benchOfflineScanner(say: (message: string) => void): Promise<OfflineScannerResult> {
  await import(pathToFileURL(join(ROOT, 'server/src/console/assets/offline-check.js')).href);
  const check = (globalThis as unknown as { ttsOfflineCheck: OfflineCheck }).ttsOfflineCheck;
  const setupStart = performance.now();
  const pair = generateKeyPairSync('ed25519');
  const event = id('evt');
  const tickets = Array.from({ length: OFFLINE_SCANNER.tickets }, () => id('tkt'));
  const checkedIn = new Set(tickets.slice(0, tickets.length / 2).map((t) => t.slice(4)));
  const voided = new Set(tickets.slice(tickets.length / 2, tickets.length / 2 + tickets.length / 100).map((t) => t.slice(4)));
  const state = {
    key: await check.importKey(String(pair.publicKey.export({ format: 'jwk' }).x)),
    event,
    status: 'published',
    validFrom: null,
    validUntil: null,
    voided,
    checkedIn,
    admittedHere: new Set<string>(),
  };
  // Codes spread over the whole event: admitted, voided and fresh tickets alike.
  const codes = Array.from({ length: OFFLINE_SCANNER.scans }, (_, i) => {
    const ticket = tickets[(i * 7919) % tickets.length] as string;
    const signed = `TTS1.${ticket}.${event}`;
    return `${signed}.${sign(null, Buffer.from(signed, 'ascii'), pair.privateKey).toString('base64url')}`;
  });
  const setupMs = performance.now() - setupStart;
  say(`offline scanner: ${fmt(OFFLINE_SCANNER.tickets)}-ticket event ready in ${fmt(setupMs)} ms; deciding ${fmt(codes.length)} scans`);
  let admitted = 0;
  let refused = 0;
  const started = performance.now();
  for (const code of codes) {
    const verdict = await check.decide(state, code, Date.now());
    if (verdict.result === 'accepted') {
      admitted += 1;
      // As the scanner does: this device will refuse the ticket from now on.
      state.admittedHere.add(code.slice(9, 31));
    } else refused += 1;
  }
  const seconds = (performance.now() - started) / 1000;
  return { scansPerSecond: codes.length / seconds, admitted, refused, setupMs };
}

/** Prints the series: scans/s against the budget, as a ratio. */
export function reportOfflineScanner(result: OfflineScannerResult): void {
  const ratio = result.scansPerSecond / OFFLINE_SCANNER.minScansPerSecond;
  judge('offline scanner, 100,000 tickets', `${fmt(result.scansPerSecond)} scans/s`, `≥ ${OFFLINE_SCANNER.minScansPerSecond} scans/s`, ratio, ratio >= 1, '×');
  info('  admitted / refused', `${fmt(result.admitted)} / ${fmt(result.refused)}`);
}
