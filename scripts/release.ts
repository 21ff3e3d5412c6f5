/**
 * `npm run release`: builds the SDK and the widget from source, packs both into
 * `dist/packages/*.tgz` and checks each tarball with publint, Are the Types Wrong? and
 * `npm publish --dry-run`. Exits non-zero if any check finds a problem. Publishing is then
 * `npm publish dist/packages/<file>.tgz`: the very file that was checked.
 *
 * Run with `tsx scripts/release.ts`.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkTarball, PACKAGE_DIRS, PACKAGES_OUT, packPackage, ROOT } from './packages.js';

async function main(): Promise<void> {
  const built = spawnSync(process.execPath, [join(ROOT, 'node_modules/rollup/dist/bin/rollup'), '-c'], { cwd: ROOT, stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
  const out = join(ROOT, PACKAGES_OUT);
  mkdirSync(out, { recursive: true });
  let failed = false;
  for (const dir of PACKAGE_DIRS) {
    const packed = await packPackage({ root: ROOT, dir, out });
    process.stdout.write(
      `\n${packed.name}@${packed.version}: ${PACKAGES_OUT}/${packed.file}, ${packed.size} B (${packed.unpackedSize} B unpacked, ${packed.files.length} files)\n`,
    );
    for (const check of await checkTarball(packed.path)) {
      process.stdout.write(`  ${check.ok ? 'ok  ' : 'FAIL'} ${check.tool}\n`);
      if (!check.ok) failed = true;
      // A failure shows everything; attw's table of resolution modes is worth seeing anyway.
      if (!check.ok || check.tool === 'attw') process.stdout.write(`${check.output.replace(/^/gm, '       ')}\n`);
    }
  }
  process.exit(failed ? 1 : 0);
}

await main();
