/**
 * Servers under test, as child processes of the benchmark: start, wait for readiness, read
 * their CPU time and peak memory, stop. Every child and temporary directory is removed on
 * exit, on error and on Ctrl+C, so an interrupted run leaves nothing behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(BENCH_DIR, '..', '..');
export const HOST = '127.0.0.1';
/**
 * Node arguments that run TypeScript and install the SIGUSR2 CPU report (cpu-probe.ts);
 * `source` resolves `@trendy-tickets/sdk` (the server's money helpers) to its sources, no build needed.
 */
export const NODE_ARGS = ['--conditions=source', '--import', 'tsx', '--import', join(BENCH_DIR, 'cpu-probe.ts')];

const STOP_TIMEOUT_MS = 8_000;
const CPU_REPORT_TIMEOUT_MS = 5_000;
/** How much of a child's output is kept to explain a failure. */
const OUTPUT_TAIL_CHARS = 8_000;

const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();

/** Synchronous, so it also runs from `process.on('exit')`. */
export function cleanUp(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

process.on('exit', cleanUp);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`\nbench: ${signal}, stopping the servers under test\n`);
    cleanUp();
    process.exit(130);
  });
}

/** A temporary directory removed when the benchmark ends. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

/** Removes a directory made by {@link tempDir} now rather than at exit. */
export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

/** Server CPU time in microseconds, as `process.cpuUsage()` reports it inside the child. */
export interface CpuTime {
  user: number;
  system: number;
}

/** A server under test, running as a child process. */
export interface ChildServer {
  name: string;
  pid: number;
  port: number;
  base: string;
  /** The last lines the child wrote (stdout and stderr). */
  output(): string;
  /** The child's CPU time so far (asks it through SIGUSR2; see cpu-probe.ts). */
  cpu(): Promise<CpuTime>;
  /** Peak resident memory in bytes (`VmHWM` of /proc/<pid>/status); null where there is no /proc. */
  peakRss(): number | null;
  stop(): Promise<void>;
}

/** A port the kernel says is free right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, HOST, () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** What {@link startChild} waits for: a line on stdout, or `/readyz` answering 200. */
export type Readiness = { stdout: string } | { readyz: true };

/** Options for {@link startChild}. */
export interface StartOptions {
  name: string;
  /** Node arguments (script and its arguments); run with {@link NODE_ARGS} in the repository root. */
  args: string[];
  env: Record<string, string>;
  ready: Readiness;
  timeoutMs: number;
  /** Extra `node` options placed before {@link NODE_ARGS} (e.g. `--max-old-space-size`). */
  nodeOptions?: string[];
}

/** Why a child did not become ready: `timeout` when it was still starting after `timeoutMs`. */
export class StartError extends Error {
  constructor(
    message: string,
    readonly reason: 'timeout' | 'exited',
  ) {
    super(message);
  }
}

async function readyzAnswers(base: string): Promise<boolean> {
  try {
    const res = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(1_000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

/**
 * Spawns `node <args>` in the repository root and resolves once it is ready; rejects with a
 * {@link StartError} when it exits first or is not ready within `timeoutMs` (the child is
 * killed then).
 */
export async function startChild(options: StartOptions): Promise<ChildServer> {
  const { name, timeoutMs } = options;
  const port = await freePort();
  const base = `http://${HOST}:${port}`;
  // BENCH_CPU_PROF=<dir>: every child writes a V8 CPU profile there when it exits (open it in Chrome's DevTools).
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...profile, ...(options.nodeOptions ?? []), ...NODE_ARGS, ...options.args], {
    cwd: ROOT,
    env: { ...process.env, ...options.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let tail = '';
  let pending = '';
  const cpuWaiters: Array<(cpu: CpuTime) => void> = [];
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stderr?.on('data', keep);
  let sawReadyLine = false;
  // Keep draining stdout after readiness too: a full pipe would stall the server.
  child.stdout?.on('data', (chunk: Buffer) => {
    keep(chunk);
    pending += chunk.toString('utf8');
    for (let newline = pending.indexOf('\n'); newline >= 0; newline = pending.indexOf('\n')) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      if (line.startsWith('bench-cpu ')) cpuWaiters.shift()?.(JSON.parse(line.slice('bench-cpu '.length)) as CpuTime);
      else if ('stdout' in options.ready && line.includes(options.ready.stdout)) sawReadyLine = true;
    }
    if ('stdout' in options.ready && pending.includes(options.ready.stdout)) sawReadyLine = true;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let exitedEarly = false;
  void exited.then(() => (exitedEarly = true));

  const deadline = performance.now() + timeoutMs;
  for (;;) {
    // A seeder prints its ready line and exits: on a fast run both land within one poll.
    if (exitedEarly && !sawReadyLine) {
      children.delete(child);
      throw new StartError(`${name} exited before it was ready (code ${child.exitCode}, signal ${child.signalCode}):\n${tail}`, 'exited');
    }
    if ('stdout' in options.ready ? sawReadyLine : await readyzAnswers(base)) break;
    if (performance.now() > deadline) {
      child.kill('SIGKILL');
      await exited;
      children.delete(child);
      throw new StartError(`${name} was not ready within ${timeoutMs / 1000} s:\n${tail.slice(-2_000)}`, 'timeout');
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }

  const pid = child.pid ?? 0;
  return {
    name,
    pid,
    port,
    base,
    output: () => tail,
    cpu() {
      return new Promise<CpuTime>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${name} did not report its CPU time (is cpu-probe.ts preloaded?)`)), CPU_REPORT_TIMEOUT_MS);
        cpuWaiters.push((cpu) => {
          clearTimeout(timer);
          resolve(cpu);
        });
        child.kill('SIGUSR2');
      });
    },
    peakRss() {
      try {
        const kb = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
        return kb === undefined ? null : Number(kb) * 1024;
      } catch {
        return null;
      }
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      }
      children.delete(child);
    },
  };
}

/** The real server on the embedded store in `dataDir`, captured mail, and `secret`. */
export function serverEnv(dataDir: string, secret: string): Record<string, string> {
  // Empty means unset (loadConfig), and set variables win over a stray .env: whatever the
  // developer's environment says, this is the embedded store and captured mail, never a real
  // database or real emails to example.com.
  return {
    NODE_ENV: 'development',
    TTS_DATA_DIR: dataDir,
    TTS_SECRET: secret,
    LOG_LEVEL: 'warn',
    TTS_PASSWORD_COST: '4',
    PUBLIC_URL: '',
    MONGODB_URI: '',
    SMTP_URL: '',
    TTS_TRUST_PROXY: '',
  };
}
