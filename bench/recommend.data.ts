// Public datasets for bench/recommend.bench.ts, read from ../shared/data at benchmark time (never
// copied into the repo). Every interaction is a positive of weight 1 (the Recommenders.jl protocol).
import fs from 'node:fs';
import { generateDemoShop } from '../src/demo/demo.generator.js';
import type { Csr } from '../src/ml/sparse.js';
import { binaryInteractions } from '../src/recommend/interactions.js';

export interface Dataset {
  readonly name: string;
  readonly matrix: Csr;
  readonly users: number;
  readonly items: number;
}

function build(name: string, pairs: Iterable<[string, string]>): Dataset {
  return { name, ...binaryInteractions(pairs) };
}

/** MovieLens-100K u.data: user \t item \t rating \t timestamp; every rating is a positive. */
export function loadMovieLens100k(file: string): Dataset {
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
  return build(
    'MovieLens-100K',
    lines.map((l): [string, string] => {
      const [u, i] = l.split('\t');
      if (u === undefined || i === undefined) throw new Error(`${file}: bad line ${JSON.stringify(l)}`);
      return [u, i];
    }),
  );
}

/** Amazon 2014 5-core JSON lines: each review is an interaction reviewerID × asin. */
export function loadAmazon5core(file: string, name: string): Dataset {
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
  return build(
    name,
    lines.map((l): [string, string] => {
      const review: unknown = JSON.parse(l);
      if (typeof review !== 'object' || review === null || !('reviewerID' in review) || !('asin' in review)) throw new Error(`${file}: a line without reviewerID/asin`);
      return [String(review.reviewerID), String(review.asin)];
    }),
  );
}

/**
 * The demo shop's purchases (`nudge demo`'s generator, src/demo/demo.generator.ts, run in-process
 * with its defaults and a fixed date so every run sees the same shop): each product in an
 * 'Order Completed' event of a signed-in customer is an interaction customer × product.
 */
export function loadDemoPurchases(now = new Date('2025-01-01T00:00:00Z')): Dataset {
  const shop = generateDemoShop({ now });
  function* purchases(): Generator<[string, string]> {
    for (const e of shop.events()) {
      if (e.type !== 'track' || e.event !== 'Order Completed' || typeof e.userId !== 'string') continue;
      const products = e.properties?.products;
      if (!Array.isArray(products)) continue;
      for (const line of products) {
        if (typeof line === 'object' && line !== null && 'product_id' in line && typeof line.product_id === 'string') yield [e.userId, line.product_id];
      }
    }
  }
  return build('Demo shop purchases', purchases());
}
