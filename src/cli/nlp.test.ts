import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { nlpEvaluate, nlpTrain } from './nlp.js';

const MAIN = path.resolve(import.meta.dirname, 'main.ts');
const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', MAIN, 'nlp', ...args], { encoding: 'utf8', timeout: 60_000 });

/** A small synthetic sentiment CSV (English and Chinese), quoted fields included. */
function writeCsv(dir: string): string {
  const pos = ['great service, love it', 'fast delivery and friendly staff', 'excellent quality, very happy', '质量很好，非常满意', '服务热情，物流很快', 'works perfectly, "highly" recommend'];
  const neg = ['terrible service, never again', 'slow delivery and rude staff', 'poor quality, very disappointed', '质量太差，非常失望', '客服态度恶劣，物流很慢', 'broke after a day, "awful"'];
  const rows = ['id,review,sentiment'];
  for (let r = 0; r < 8; r++) {
    pos.forEach((t, i) => rows.push(`${r}-${i}p,"${`${t} ${r}`.replace(/"/g, '""')}",positive`));
    neg.forEach((t, i) => rows.push(`${r}-${i}n,"${`${t} ${r}`.replace(/"/g, '""')}",negative`));
  }
  const file = path.join(dir, 'reviews.csv');
  fs.writeFileSync(file, rows.join('\n') + '\n');
  return file;
}

test('nlp train then evaluate: held-out accuracy, a model file, per-class report', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nudge-nlp-cli-'));
  try {
    const data = writeCsv(dir);
    const out = path.join(dir, 'sentiment.json.gz');
    const lines: string[] = [];
    const trained = nlpTrain({ task: 'sentiment', data, out, textColumn: 'review', labelColumn: 'sentiment' }, (l) => lines.push(l));
    assert.ok(fs.statSync(out).size > 0);
    assert.ok(trained.heldOutAccuracy >= 0.8, `held-out accuracy ${trained.heldOutAccuracy}`);
    assert.deepEqual(trained.labels, ['negative', 'positive']);
    assert.match(lines.join('\n'), /held-out accuracy \d\.\d{4}/);
    const report = nlpEvaluate({ model: out, data, textColumn: 'review', labelColumn: 'sentiment' }, () => {});
    assert.ok(report.accuracy >= 0.95);
    assert.deepEqual(report.classes.map((c) => c.label), ['negative', 'positive']);
    assert.equal(report.classes.reduce((s, c) => s + c.support, 0), 96);

    // The same through the real binary: same model file format, exit code 0.
    const r = cli('evaluate', '--model', out, '--data', data, '--text-column', 'review', '--label-column', 'sentiment');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /accuracy \d\.\d{4} on 96 texts/);
    assert.match(r.stdout, /positive\s+\d\.\d{3}\s+\d\.\d{3}\s+48/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('nlp train rejects bad input with the row or column at fault and exit code 1, no stack trace', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nudge-nlp-cli-'));
  try {
    const out = path.join(dir, 'm.json');
    const write = (name: string, body: string) => {
      const f = path.join(dir, name);
      fs.writeFileSync(f, body);
      return f;
    };
    const cases: [string[], RegExp][] = [
      [['--data', path.join(dir, 'nope.csv')], /NLP_DATA_NOT_FOUND.*nope\.csv/],
      [['--data', write('cols.csv', 'body,label\nhi,a\nho,b\n')], /NLP_DATA_MISSING_COLUMN \[text\].*no column "text".*body, label/],
      [['--data', write('empty.csv', 'text,label\ngood,pos\nbad,\n')], /NLP_DATA_EMPTY_LABEL \[label\]: row 3 /],
      [['--data', write('one.csv', 'text,label\ngood,pos\nfine,pos\n')], /NLP_DATA_TOO_FEW_CLASSES.*1 distinct label/],
    ];
    for (const [args, want] of cases) {
      const r = cli('train', '--task', 'spam', '--out', out, ...args);
      assert.equal(r.status, 1, `${args.join(' ')}: ${r.stdout}`);
      assert.match(r.stderr, want);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
    const r = cli('train', '--task', 'topic', '--out', out, '--data', write('ok.csv', 'text,label\na,x\nb,y\n'));
    assert.equal(r.status, 1);
    assert.match(r.stderr, /unknown task "topic"/);
    assert.equal(fs.existsSync(out), false);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
