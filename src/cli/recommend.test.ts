import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { readInteractionsFile } from './recommend.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nudge-recommend-cli-'));
const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
};

/** Two tastes of 30 customers each over 12 items, as user,item lines with a header. */
function tastes(): string {
  const lines = ['user,item'];
  for (let u = 0; u < 60; u++) for (let k = 0; k < 6; k++) if ((u + k) % 5 !== 0) lines.push(`u${u},${u % 2 ? 'a' : 'b'}${k}`);
  return lines.join('\n');
}

test('an interactions file becomes a binary customer × item matrix; the header and repeats do not count twice', () => {
  const data = readInteractionsFile(file('ok.csv', `${tastes()}\nu0,b1\nu0,b1\n`));
  assert.equal(data.users, 60);
  assert.equal(data.items, 12);
  assert.ok(data.matrix.data.every((v) => v === 1));
});

test('bad files are refused with the file and line', () => {
  assert.throws(() => readInteractionsFile(path.join(dir, 'missing.csv')), /No such file/);
  assert.throws(() => readInteractionsFile(file('bad.csv', 'u1 i1\nlonely\n')), /bad\.csv:2: expected "user item/);
  assert.throws(() => readInteractionsFile(file('small.csv', 'u1 i1\nu2 i2\n')), /at least 10/);
});

test('`nudge recommend evaluate` prints P@10, R@10 and NDCG@10 for each algorithm', () => {
  const out = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'recommend', 'evaluate', '--file', file('tastes.csv', tastes()), '--algorithms', 'popularity,itemknn'], { encoding: 'utf8' });
  assert.equal(out.status, 0, out.stderr);
  assert.match(out.stdout, /algorithm\s+P@10\s+R@10\s+NDCG@10/);
  const ndcg = (name: string) => Number(new RegExp(`^${name}\\s+\\S+\\s+\\S+\\s+(\\S+)`, 'm').exec(out.stdout)?.[1]);
  // The tastes are separate: item-kNN finds them, popularity cannot.
  assert.ok(ndcg('itemknn') > ndcg('popularity'), out.stdout);
  const unknown = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'recommend', 'evaluate', '--file', file('t2.csv', tastes()), '--algorithms', 'magic'], { encoding: 'utf8' });
  assert.notEqual(unknown.status, 0);
  assert.match(unknown.stderr, /Unknown algorithm "magic"/);
});
