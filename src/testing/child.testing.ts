import { spawn } from 'node:child_process';

export interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
}

/**
 * Run a TypeScript file as a separate Node process (tsx), for tests that SIGKILL a Nudge midway and
 * start it again. `onStart` receives the kill switch as soon as the child exists.
 */
export function runChild(script: string, args: readonly string[], onStart: (kill: () => void) => void = () => {}): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, out, err }));
    onStart(() => child.kill('SIGKILL'));
  });
}
