/**
 * Builds the SDK and the widget from source once per test run, with rollup's JS API and the
 * repo's own `rollup.config.mjs` (every build in it). The size and secret checks, the package
 * checks and the browser tests then always test what the source says today, and no test file
 * rebuilds `sdk/dist` while another reads it; a fresh clone has no `dist` at all.
 * Each file is written whole under a temporary name and renamed into place, so a test run (or a
 * server) reading the bundle never sees half of one another run is writing.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rollup, type OutputOptions, type RollupOptions } from 'rollup';

const CONFIG = fileURLToPath(new URL('../../../rollup.config.mjs', import.meta.url));

export default async function buildWidget(): Promise<void> {
  const { default: builds } = (await import(CONFIG)) as { default: RollupOptions[] };
  for (const options of builds) {
    const bundle = await rollup(options);
    try {
      for (const output of [options.output ?? []].flat() as OutputOptions[]) {
        const dir = output.dir ?? dirname(output.file!);
        await mkdir(dir, { recursive: true });
        for (const chunk of (await bundle.generate(output)).output) {
          const target = join(dir, chunk.fileName);
          const temporary = `${target}.${process.pid}.tmp`;
          await writeFile(temporary, chunk.type === 'chunk' ? chunk.code : chunk.source);
          await rename(temporary, target);
        }
      }
    } finally {
      await bundle.close();
    }
  }
}
