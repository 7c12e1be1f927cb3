import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { trainClassifier } from './classifier.js';
import { defaultModelProvider } from './feedback.models.js';
import { writeClassifierFile } from './model-file.js';
import { createWorkspaceModels, workspaceModelPath } from './workspace-models.js';

/** A shop whose customers say "zorp" when they are unhappy: words no general lexicon reads as negative. */
function shopSentiment() {
  const texts: string[] = [];
  const labels: string[] = [];
  for (let i = 0; i < 40; i++) {
    texts.push(`zorp parcel ${i}`, `zorp again order ${i}`, `blip parcel ${i}`, `blip order ${i}`);
    labels.push('negative', 'negative', 'positive', 'positive');
  }
  return trainClassifier(texts, labels, { seed: 1 });
}

test("a workspace's own sentiment model replaces the shipped one for that workspace only, and a new file is read again", async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nudge-ws-models-'));
  const file = workspaceModelPath(dataDir, 'ws_shop', 'sentiment');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  writeClassifierFile(file, shopSentiment());
  const provider = defaultModelProvider(() => {}, createWorkspaceModels(dataDir));
  const mine = await provider.models('ws_shop');
  const theirs = await provider.models('ws_other');
  assert.equal(mine.sentiment?.('zorp parcel 99').label, 'negative');
  assert.notEqual(theirs.sentiment?.('zorp parcel 99').label, 'negative');
  fs.rmSync(file);
  assert.notEqual((await provider.models('ws_shop')).sentiment?.('zorp parcel 99').label, 'negative');
  assert.throws(() => workspaceModelPath(dataDir, '../etc', 'spam'), /cannot name a folder/);
});
