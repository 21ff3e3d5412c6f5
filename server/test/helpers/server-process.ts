import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

/** A preload that kills the server with SIGKILL just before it writes an entry of `TTS_TEST_KILL_BEFORE_ENTRY` (kill-before-entry.ts). */
export const KILL_BEFORE_ENTRY = new URL('./kill-before-entry.ts', import.meta.url).href;

/** A preload that lists the packages the server had loaded when it began to listen (loaded-at-listen.ts). */
export const LOADED_AT_LISTEN = new URL('./loaded-at-listen.ts', import.meta.url).href;

/** A port the OS says is free right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts the real server (`server/src/main.ts`) as a child process and resolves
 * once it prints that it is running. Used by tests of start-up, restart and shutdown.
 */
export async function startServer(env: Record<string, string>, { timeoutMs = 20_000, preload = [] as readonly string[] } = {}): Promise<ServerProcess> {
  const port = env.PORT ?? String(await freePort());
  // `source` resolves @trendy-tickets/sdk (the server's money helpers) to its sources, no build needed.
  // `preload`: modules (file URLs) the process imports before the server, such as KILL_BEFORE_ENTRY.
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', ...preload.flatMap((url) => ['--import', url]), MAIN], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', TTS_PASSWORD_COST: '4', ...env, PORT: port },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const check = () => {
      if (output.includes('Trendy Ticket Service is running')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before starting:\n${output}`));
    });
  });

  return {
    url: `http://127.0.0.1:${port}`,
    child,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null) return child.exitCode;
      child.kill(signal);
      return exited;
    },
  };
}
