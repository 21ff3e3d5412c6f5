import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

/** The flags Debian's chromium needs to run headless as root in a container. */
const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Where screenshots and other browser-test artifacts go (git-ignored). */
export const ARTIFACTS_DIR = fileURLToPath(new URL('../../../test-artifacts/', import.meta.url));

/** The system chromium (`command -v chromium`), or `CHROMIUM_PATH` when set; null when absent. */
export function findChromium(): string | null {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      const path = execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
      if (path) return path;
    } catch {
      // not on PATH: try the next name
    }
  }
  return null;
}

const executablePath = findChromium();

/**
 * Whether browser tests run here. Under CI they always run: a missing chromium is a failure
 * (`.ci/run` installs it), never a silent skip. Elsewhere they skip with a visible reason.
 *
 * @example
 * describe.skipIf(!browserAvailable)('checkout in Chromium', () => { … });
 */
export const browserAvailable: boolean = (() => {
  if (executablePath) return true;
  if (process.env.CI) throw new Error('CI=true but no chromium on PATH: install it (apt-get install -y chromium) or set CHROMIUM_PATH.');
  process.stderr.write('Browser tests skipped: no chromium on PATH (apt-get install -y chromium).\n');
  return false;
})();

/** Launches headless Debian chromium through playwright-core. */
export async function launchBrowser(): Promise<Browser> {
  if (!executablePath) throw new Error('no chromium on PATH');
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_FLAGS });
}

/** Saves a full-page screenshot as `test-artifacts/screenshots/<name>.png` and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = join(ARTIFACTS_DIR, 'screenshots');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
