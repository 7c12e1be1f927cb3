// `npx tsx scripts/train-default-models.ts [--data ../shared/data]`: builds the models that ship in
// models/nlp/ and writes docs/models.md. Only data whose licence allows redistributing a trained
// model is used for training: SMS Spam Collection (CC BY 4.0) for spam, BANKING77 (CC BY 4.0) for
// intent. The Chinese and English review corpora we hold have no such licence, so sentiment ships
// as the hand-written lexicon and those corpora are used only to measure it.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { banking77, chnSentiCorp, DATA_DIR, onlineShopping, smsSpam, type Labelled } from '../bench/nlp.data.js';
import { predict, trainClassifier, type ClassifierOptions } from '../src/nlp/classifier.js';
import { compactClassifier, expandClassifier, type Provenance } from '../src/nlp/compact.js';
import { DEFAULT_MODEL_DIR, DEFAULT_MODEL_FILES, LEXICON_PROVENANCE, TRAINING_PRESETS } from '../src/nlp/defaults.js';
import { lexiconSentiment } from '../src/nlp/sentiment.lexicon.js';

const SEED = 'nudge-default-models-1';
const DOCS = path.resolve(import.meta.dirname, '../docs/models.md');
const today = new Date().toISOString().slice(0, 10);
const log = (m: string) => process.stderr.write(`[train-defaults] ${m}\n`);

interface Built {
  file: string;
  bytes: number;
  provenance: Provenance;
}

function accuracyOf(classify: (t: string) => string, test: Labelled, positive?: string): { accuracy: number; recall?: number } {
  let correct = 0;
  let pos = 0;
  let caught = 0;
  test.texts.forEach((t, i) => {
    const got = classify(t);
    if (got === test.labels[i]) correct++;
    if (positive !== undefined && test.labels[i] === positive) {
      pos++;
      if (got === positive) caught++;
    }
  });
  return positive !== undefined ? { accuracy: correct / test.texts.length, recall: caught / Math.max(pos, 1) } : { accuracy: correct / test.texts.length };
}

function build(task: 'spam' | 'intent', train: Labelled, test: Labelled, meta: { dataset: string; licence: string; split: string }, options: ClassifierOptions): Built {
  log(`${task}: training on ${train.texts.length} texts …`);
  const model = trainClassifier(train.texts, train.labels, { ...options, seed: SEED });
  const full = accuracyOf((t) => predict(model, t).label, test, task === 'spam' ? 'spam' : undefined);
  const compact = compactClassifier(model);
  // Measure the model as shipped (after quantisation), not the float one.
  const shipped = expandClassifier(compact).model;
  const q = accuracyOf((t) => predict(shipped, t).label, test, task === 'spam' ? 'spam' : undefined);
  const metrics: Record<string, number> = { testAccuracy: round(q.accuracy), floatTestAccuracy: round(full.accuracy), testSize: test.texts.length, trainSize: train.texts.length, buckets: compact.buckets, classes: model.labels.length };
  if (q.recall !== undefined) metrics.testSpamRecall = round(q.recall);
  const provenance: Provenance = {
    task,
    dataset: meta.dataset,
    licence: meta.licence,
    trainedAt: today,
    parameters: { seed: SEED, split: meta.split, model: options.model ?? 'svm', features: model.features, minDf: options.minDf ?? 2, calibration: model.labels.length === 2 ? 'Platt on a 10% held-out slice' : 'temperature on a 10% held-out slice', quantisation: 'int8 per class, idf uint16' },
    metrics,
  };
  const file = path.join(DEFAULT_MODEL_DIR, DEFAULT_MODEL_FILES[task]);
  const bytes = zlib.gzipSync(JSON.stringify({ ...compact, provenance }), { level: 9 });
  fs.writeFileSync(file, bytes);
  log(`${task}: accuracy ${q.accuracy.toFixed(4)} (float ${full.accuracy.toFixed(4)}), ${compact.buckets} buckets, ${(bytes.length / 1024).toFixed(0)} KiB → ${file}`);
  return { file, bytes: bytes.length, provenance };
}

const round = (v: number) => Math.round(v * 10000) / 10000;

/** The lexicon measured on the review corpora (evaluation only; nothing is trained on them). */
function measureLexicon(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const task of [chnSentiCorp(), onlineShopping()]) {
    const { texts, labels } = task.test;
    let correct = 0;
    let neutral = 0;
    let decided = 0;
    let decidedCorrect = 0;
    texts.forEach((t, i) => {
      const s = lexiconSentiment(t);
      if ((s.score >= 0 ? 'positive' : 'negative') === labels[i]) correct++;
      if (s.label === 'neutral') neutral++;
      else {
        decided++;
        if (s.label === labels[i]) decidedCorrect++;
      }
    });
    out[`${task.key}.signAccuracy`] = round(correct / texts.length);
    out[`${task.key}.neutralShare`] = round(neutral / texts.length);
    out[`${task.key}.accuracyWhenNotNeutral`] = round(decidedCorrect / Math.max(decided, 1));
  }
  return out;
}

function docs(built: Built[], lexiconMetrics: Record<string, number>): string {
  const kib = (b: number) => `${(b / 1024).toFixed(0)} KiB`;
  const rows = built.map((b) => `| ${b.provenance.task} | \`models/nlp/${path.basename(b.file)}\` | ${b.provenance.dataset} | ${b.provenance.licence} | ${b.provenance.trainedAt} | ${b.provenance.metrics.testAccuracy}${b.provenance.metrics.testSpamRecall !== undefined ? ` (spam recall ${b.provenance.metrics.testSpamRecall})` : ''} | ${kib(b.bytes)} |`);
  const detail = built.map((b) => `### ${b.provenance.task}\n\n\`\`\`json\n${JSON.stringify({ parameters: b.provenance.parameters, metrics: b.provenance.metrics }, null, 2)}\n\`\`\`\n`);
  const lx = (k: string) => lexiconMetrics[k] ?? NaN;
  return `# Default NLP models

Generated by \`npx tsx scripts/train-default-models.ts\` on ${today} from \`../shared/data\`
(datasets are read at build time and never copied into the repository). \`loadDefaultModel(task)\`
in \`src/nlp/defaults.ts\` loads them lazily and caches them. Each model file also carries this
provenance in its \`provenance\` field.

Rule (DESIGN.md, "Intelligence, honestly"): a model ships only if its training data's terms
allow redistributing a model trained on it.

| task | file | training data | licence | built | test accuracy (as shipped, int8) | size (gzip) |
|---|---|---|---|---|---|---|
${rows.join('\n')}
| sentiment | none (code: \`src/nlp/lexicon.ts\`, \`src/nlp/sentiment.lexicon.ts\`) | none — hand-written zh + en lexicon | Nudge's own (Apache-2.0) | ${today} | see below | — |

Attribution (CC BY 4.0):
- SMS Spam Collection v.1 — T. A. Almeida, J. M. Gómez Hidalgo, A. Yamakami, "Contributions to the
  Study of SMS Spam Filtering: New Collection and Results", ACM DocEng 2011; UCI ML Repository
  dataset 228. The model is trained on a fixed seeded 80% stratified split (\`bench/nlp.data.ts\`,
  split seed \`nudge-nlp-bench-1/sms\`) and tested on the other 20%.
- BANKING77 — I. Casanueva, T. Temčinas, D. Gerz, M. Henderson, I. Vulić, "Efficient Intent
  Detection with Dual Sentence Encoders", 2020 (arXiv:2003.04807), PolyAI. Trained on the
  original training set (train 8,622 + valid 1,540 of the jianguoz/Few-Shot-Intent-Detection
  re-split), tested on the official 3,080-query test set. 77 English banking intents; it has no
  out-of-scope class, so callers should apply scope thresholds (\`src/nlp/scope.ts\`) tuned on
  their own traffic, or train a workspace model with \`nudge nlp train\`.

## Sentiment: why a lexicon

No sentiment corpus in \`../shared/data\` may be redistributed as a trained model:
- ChnSentiCorp_htl_all and online_shopping_10_cats (SophonPlus/ChineseNlpCorpus): the repository
  has no licence; the data was "collected from the web, exact author/source unknown". Research
  and evaluation only.
- Amazon reviews 2014 (Musical Instruments 5-core, McAuley et al.): released for research use.
- No English sentiment corpus with an open licence is present.

So default sentiment, Chinese and English, is a small hand-written lexicon (about 500 words with
weights ±1/±2) with intensifiers ("很", "very"), negation within three tokens ("不", "没有",
"not", shifting the polarity to −0.7×) and contrast ("但是", "but": the later clause weighs 1.5×).
score = tanh(sum / 2) in (−1, 1). **Neutral** is derived: there are no neutral labels anywhere,
so \`|score| < 0.3\` (no or weak lexicon evidence) is reported as neutral.

Measured on the research corpora' 20% test splits (evaluation only, nothing fitted on them):

| corpus | accuracy by sign (neutral counted by sign of score, ties positive) | share neutral | accuracy when not neutral |
|---|---|---|---|
| ChnSentiCorp_htl_all (hotels) | ${lx('chnsenticorp.signAccuracy')} | ${lx('chnsenticorp.neutralShare')} | ${lx('chnsenticorp.accuracyWhenNotNeutral')} |
| online_shopping_10_cats | ${lx('shopping.signAccuracy')} | ${lx('shopping.neutralShare')} | ${lx('shopping.accuracyWhenNotNeutral')} |

This is well below a trained model (0.918 / 0.937, \`npm run bench -- nlp\`). A workspace with
its own labelled feedback should train one: \`nudge nlp train --task sentiment --data my.csv
--out sentiment.json\` (NB-SVM, the configuration the benchmark measured; it prints a held-out
accuracy), and \`nudge nlp evaluate --model sentiment.json --data test.csv\` reports accuracy,
per-class precision/recall and the commonest confusions. With \`--workspace <id>\` instead of
\`--out\`, the model is installed for that workspace (\`<data dir>/models/<workspace>/<task>.json.gz\`)
and its texts are analysed with it from the next batch on.

## Details

${detail.join('\n')}`;
}

function main(): void {
  if (!fs.existsSync(DATA_DIR)) throw new Error(`data directory ${DATA_DIR} not found (set NUDGE_SHARED_DATA)`);
  fs.mkdirSync(DEFAULT_MODEL_DIR, { recursive: true });
  const sms = smsSpam();
  const bank = banking77();
  const built = [
    build('spam', sms.train, sms.test, { dataset: 'SMS Spam Collection v.1 (Almeida et al. 2011, UCI 228), 4,827 ham + 747 spam', licence: 'CC BY 4.0', split: 'stratified 80/20, seed nudge-nlp-bench-1/sms' }, TRAINING_PRESETS.spam),
    build('intent', bank.train, bank.test, { dataset: 'BANKING77 (Casanueva et al. 2020, PolyAI), 77 intents', licence: 'CC BY 4.0', split: 'train+valid (10,162) / official test (3,080)' }, TRAINING_PRESETS.intent),
  ];
  log('sentiment: measuring the lexicon on the review corpora …');
  const lexiconMetrics = measureLexicon();
  log(JSON.stringify({ ...LEXICON_PROVENANCE.parameters, ...lexiconMetrics }));
  fs.mkdirSync(path.dirname(DOCS), { recursive: true });
  fs.writeFileSync(DOCS, docs(built, lexiconMetrics));
  log(`wrote ${DOCS}`);
}

main();
