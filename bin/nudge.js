#!/usr/bin/env node
// Entry point for the `nudge` command (and `npm start`): runs the TypeScript CLI through tsx, with
// the Node flags in node-flags.json. They give V8's young generation 64 MB a space (16 MB at most
// by default): the send path makes objects that live for one batch, and with the default each of
// them was copied by a scavenge or two before it died. On the 100,000-customer journey benchmark
// that cut the main thread's scavenges from 8.8 s to 5.9 s. The size is fixed (min = max), so the
// memory it takes is there from the first busy minute and stays flat; growing it on demand showed
// as a slow rise of RSS through a broadcast. It is the main thread's alone: the CLI puts the flags
// back for the worker threads it starts (src/platform/main-thread-heap.ts), which keep their own
// limits. bench/child.ts measures with the same flags.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const flags = JSON.parse(fs.readFileSync(path.join(here, 'node-flags.json'), 'utf8'));
const child = spawn(process.execPath, [...flags, '--import', 'tsx', path.join(root, 'src/cli/main.ts'), ...process.argv.slice(2)], { stdio: 'inherit' });
// Ctrl-C reaches the child from the terminal as well: wait here while it shuts down. A service
// manager's SIGTERM reaches only this process: pass it on.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
