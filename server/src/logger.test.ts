import { describe, expect, it } from 'vitest';
import { createJsonLogger, createMemoryLogger } from './logger.js';

describe('logger levels', () => {
  it('says a level below its minimum is off, so a hot path can skip building the line', () => {
    const lines: string[] = [];
    const logger = createJsonLogger('warn', (line) => lines.push(line));
    expect(logger.enabled('info')).toBe(false);
    expect(logger.enabled('debug')).toBe(false);
    expect(logger.enabled('warn')).toBe(true);
    expect(logger.enabled('error')).toBe(true);
    logger.info('request', { path: '/healthz' });
    expect(lines).toEqual([]);
  });

  it('keeps every level in the memory logger tests read', () => {
    expect(createMemoryLogger().enabled('debug')).toBe(true);
  });
});
