import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findViolations, importsOf, importsUnder, LAYERS, layerOf, sourceFiles } from './layers.js';

const SRC = path.resolve(import.meta.dirname, '../../src');

describe('server layering (docs/architecture.md, "Layers")', () => {
  it('places every source file under server/src in a layer', async () => {
    const unplaced = (await sourceFiles(SRC)).filter((file) => !layerOf(file));
    expect(unplaced, `add these to LAYERS in server/test/architecture/layers.ts:\n${unplaced.join('\n')}`).toEqual([]);
  });

  it('has no file importing a layer above its own, or a driver below the domain', async () => {
    const violations = findViolations(await importsUnder(SRC, await sourceFiles(SRC)));
    expect(violations, `imports that break the layering:\n${violations.join('\n')}`).toEqual([]);
  });

  it('reports a lower layer importing a higher one, naming the file and the import', () => {
    const violations = findViolations([
      { from: 'domain/orders.ts', to: 'http/routes/orders.ts' },
      { from: 'domain/fulfilment.ts', to: 'delivery/outbox.ts' },
      { from: 'store/sqlite.ts', to: 'domain/events.ts' },
      { from: 'kernel/errors.ts', to: 'store/port.ts' },
      { from: 'domain/tickets.ts', to: 'store/sqlite.ts' },
      { from: 'http/context.ts', to: 'app.ts' },
      { from: 'domain/orders.ts', to: 'hono', package: true },
    ]);
    expect(violations).toHaveLength(7);
    expect(violations[0]).toMatch(/^domain\/orders\.ts → http\/routes\/orders\.ts \(domain may import: kernel, store port, payment port; .* is http\)$/);
    expect(violations[1]).toContain('domain/fulfilment.ts → delivery/outbox.ts');
    expect(violations[4]).toContain('domain/tickets.ts → store/sqlite.ts');
    expect(violations[6]).toContain('domain/orders.ts → hono');
  });

  it('allows imports downward and within a layer', () => {
    expect(
      findViolations([
        { from: 'http/routes/orders.ts', to: 'domain/orders.ts' },
        { from: 'domain/orders.ts', to: 'domain/events.ts' },
        { from: 'domain/orders.ts', to: 'store/port.ts' },
        { from: 'delivery/outbox.ts', to: 'domain/ports.ts' },
        { from: 'main.ts', to: 'store/sqlite.ts' },
        { from: 'domain/orders.ts', to: 'zod', package: true },
        { from: 'http/routes/orders.ts', to: 'hono', package: true },
      ]),
    ).toEqual([]);
  });

  it('reads every form of import, resolving .js to the source file', () => {
    const source = [
      "import { a } from '../kernel/errors.js';",
      "import type { B } from './events.js';",
      "export { c } from '../store/port.js';",
      "const d = await import('../delivery/outbox.js');",
      "import { Hono } from 'hono';",
      '// import { not } from "../http/errors.js";',
    ].join('\n');
    const known = new Set(['kernel/errors.ts', 'domain/events.ts', 'store/port.ts', 'delivery/outbox.ts']);
    expect(importsOf('domain/x.ts', source, (f) => known.has(f)).map((e) => e.to)).toEqual(['kernel/errors.ts', 'domain/events.ts', 'store/port.ts', 'delivery/outbox.ts', 'hono']);
  });

  it('lets each layer import only layers listed before it', () => {
    const order = LAYERS.map((layer) => layer.name);
    const upward = LAYERS.flatMap((layer) => layer.mayImport.filter((name) => order.indexOf(name) >= order.indexOf(layer.name)).map((name) => `${layer.name} → ${name}`));
    expect(upward).toEqual([]);
  });
});
