import type { CatalogItemInput } from '../catalog/catalog.schema.js';
import type { Rng } from '../ml/rng.js';
import { AUTHORS, CATEGORIES, COLORS, ORIGINS, PLANTED_PAIRS } from './demo.catalog.data.js';
import type { AttributeKind, Bilingual, CategoryDef, Modifier, PricedNoun, SubcategoryDef } from './demo.catalog.data.js';

/** A product plus the hidden facts the simulation uses (popularity, quality, planted partner). */
export interface DemoProduct {
  index: number;
  id: string;
  names: { zh: string; en: string };
  /** 'Top/Sub' in English, as events carry it. */
  category: string;
  /** Index into CATEGORIES. */
  top: number;
  price: number;
  /** Latent quality on the 1–5 rating scale; reviews scatter around it. */
  quality: number;
  /** Index of the complementary product customers buy with this one, or -1. */
  partner: number;
  /** Zipf weight: the product's share of attention before personal taste. */
  popularity: number;
  /** Brand (publisher for books) in both languages. */
  brand: { zh: string; en: string } | null;
  /** What a shopper types to find it. */
  searchTerm: { zh: string; en: string };
  item: CatalogItemInput;
}

export interface DemoCatalog {
  products: DemoProduct[];
  /** Planted complementary pairs (product indices). */
  pairs: (readonly [number, number])[];
  /** Product indices per top category. */
  byCategory: number[][];
}

/** Zipf exponent of product popularity: ~1 as in real shops (a few hits, a long tail). */
const ZIPF_EXPONENT = 1.05;
const SITE = 'https://demo.nudge.local';

interface Draft {
  top: number;
  sub: SubcategoryDef;
  names: { zh: string; en: string };
  searchTerm: { zh: string; en: string };
  brand: Bilingual | null;
  basePrice: number;
  partner: Draft | null;
}

function roundPrice(p: number): number {
  if (p >= 30) return Math.max(9, Math.round((p + 1) / 10) * 10 - 1);
  return Math.max(0.9, Math.round(p) - 0.1);
}

function findSub(slug: string, subEn: string): { top: number; sub: SubcategoryDef } {
  const top = CATEGORIES.findIndex((c) => c.slug === slug);
  const sub = CATEGORIES[top]?.subcategories.find((s) => s.name[1] === subEn);
  if (!sub) throw new Error(`demo catalog: unknown subcategory ${slug}/${subEn}`);
  return { top, sub };
}

function titleNames(sub: SubcategoryDef, mod: Modifier, noun: PricedNoun): { zh: string; en: string } {
  const template = sub.titleEn ?? '{m} {n}';
  return { zh: `《${mod[0]}${noun[0]}》`, en: template.replace('{m}', mod[1]).replace('{n}', noun[1]) };
}

function pairDraft(slug: string, subEn: string, noun: PricedNoun, rng: Rng): Draft {
  const { top, sub } = findSub(slug, subEn);
  const category = CATEGORIES[top] as CategoryDef; // findSub checked the index
  const isBook = category.kind === 'books';
  const brand = rng.pick(category.brands);
  const names = isBook ? { zh: `《${noun[0]}》`, en: noun[1] } : { zh: `${brand[0]} ${noun[0]}`, en: `${brand[1]} ${noun[1]}` };
  return { top, sub, names, searchTerm: { zh: noun[0], en: noun[1].toLowerCase() }, brand, basePrice: noun[2], partner: null };
}

/** Splits `total` over weights by the largest-remainder method, so the parts sum exactly. */
function apportion(weights: readonly number[], total: number): number[] {
  const sum = weights.reduce((s, w) => s + w, 0);
  const exact = weights.map((w) => (w / sum) * total);
  const parts = exact.map(Math.floor);
  let left = total - parts.reduce((s, p) => s + p, 0);
  const order = exact.map((e, i) => [e - Math.floor(e), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left-- <= 0) break;
    parts[i] = (parts[i] ?? 0) + 1;
  }
  return parts;
}

function genericDrafts(count: number, taken: Set<string>, rng: Rng): Draft[] {
  const subs = CATEGORIES.flatMap((c, top) => c.subcategories.map((sub) => ({ top, sub, category: c })));
  const counts = apportion(subs.map((s) => s.sub.weight), count);
  const drafts: Draft[] = [];
  subs.forEach(({ top, sub, category }, i) => {
    const isBook = category.kind === 'books';
    for (let k = 0; k < (counts[i] ?? 0); k++) {
      let names = { zh: '', en: '' };
      let noun: PricedNoun = sub.nouns[0] as PricedNoun; // every subcategory lists nouns
      let mod: Modifier = sub.modifiers[0] as Modifier;
      let brand = rng.pick(category.brands);
      for (let attempt = 0; attempt < 60; attempt++) {
        noun = rng.pick(sub.nouns);
        mod = rng.pick(sub.modifiers);
        brand = rng.pick(category.brands);
        names = isBook ? titleNames(sub, mod, noun) : { zh: `${brand[0]} ${mod[0]}${noun[0]}`, en: `${brand[1]} ${mod[1]} ${noun[1]}` };
        if (!taken.has(names.en)) break;
      }
      for (let edition = 2; taken.has(names.en); edition++) {
        names = { zh: `${names.zh.replace(/ 第\d+代$/, '')} 第${edition}代`, en: `${names.en.replace(/ Gen \d+$/, '')} Gen ${edition}` };
      }
      taken.add(names.en);
      const term = isBook ? { zh: mod[0].replace(/的$/, ''), en: mod[1].toLowerCase() } : { zh: noun[0], en: noun[1].toLowerCase() };
      drafts.push({ top, sub, names, searchTerm: term, brand, basePrice: noun[2] * mod[2], partner: null });
    }
  });
  return drafts;
}

/** Attribute values that fit a subcategory (a desk is not made of cotton). */
const MATERIALS: Record<string, readonly string[]> = {
  Kitchen: ['stainless steel', 'ceramic', 'cast iron', 'aluminium'],
  Bedding: ['cotton', 'silk', 'polyester', 'latex'],
  Furniture: ['solid wood', 'engineered wood', 'metal', 'fabric'],
  Appliances: ['ABS plastic', 'stainless steel', 'aluminium'],
  Shoes: ['leather', 'canvas', 'mesh', 'suede'],
  Accessories: ['leather', 'canvas', 'nylon', 'acetate'],
};
const WEIGHTS_G: Record<string, readonly number[]> = { Snacks: [100, 250, 500, 1000], 'Tea & Coffee': [100, 250, 500], Pantry: [500, 1000, 2500, 5000], Fresh: [500, 1000, 2500] };

function attributes(kind: AttributeKind, sub: string, rng: Rng, brand: Bilingual | null): Record<string, unknown> {
  const color = rng.pick(COLORS);
  switch (kind) {
    case 'electronics':
      return { color: color[1], color_zh: color[0], warranty_months: rng.pick([12, 12, 24]), model: `${String.fromCharCode(65 + rng.int(0, 26))}${rng.int(10, 99)}` };
    case 'apparel':
      return { color: color[1], color_zh: color[0], sizes: ['S', 'M', 'L', 'XL', 'XXL'].slice(rng.int(0, 2), rng.int(3, 6)), material: rng.pick(MATERIALS[sub] ?? ['cotton', 'linen', 'wool', 'polyester', 'blend']) };
    case 'beauty':
      return { volume_ml: rng.pick([15, 30, 50, 100, 200, 400]), skin_type: rng.pick(['all', 'dry', 'oily', 'combination', 'sensitive']) };
    case 'home':
      return { color: color[1], color_zh: color[0], material: rng.pick(MATERIALS[sub] ?? ['ceramic', 'glass']) };
    case 'food': {
      const origin = rng.pick(ORIGINS);
      return { weight_g: rng.pick(WEIGHTS_G[sub] ?? [250, 500]), origin: origin[1], origin_zh: origin[0], shelf_life_days: sub === 'Fresh' ? rng.pick([3, 7, 14]) : rng.pick([180, 365, 540]) };
    }
    case 'sports':
      return { color: color[1], color_zh: color[0], size: rng.pick(['one size', 'S', 'M', 'L', 'XL']) };
    case 'baby':
      return { age_range: rng.pick(['0-6 months', '6-12 months', '1-3 years', '3-6 years', '0-4 years']), certified: rng.pick(['CCC', 'EN 71', 'ECE R129']) };
    case 'books': {
      const author = rng.pick(AUTHORS);
      return { author: author[1], author_zh: author[0], publisher: brand?.[1] ?? null, pages: rng.int(120, 520), format: rng.pick(['paperback', 'paperback', 'hardcover']) };
    }
    default:
      return assertUnreachable(kind);
  }
}

function assertUnreachable(x: never): never {
  throw new Error(`unexpected value ${String(x)}`);
}

/** Builds `count` products: the planted pairs first, the rest spread over subcategories by weight, then shuffled. */
export function buildCatalog(count: number, rng: Rng): DemoCatalog {
  if (!Number.isInteger(count) || count < 8) throw new RangeError(`demo products must be an integer ≥ 8, got ${count}`);
  const pairCount = Math.min(PLANTED_PAIRS.length, Math.floor(count / 8));
  const drafts: Draft[] = [];
  const taken = new Set<string>();
  for (const [slugA, subA, nounA, slugB, subB, nounB] of PLANTED_PAIRS.slice(0, pairCount)) {
    const a = pairDraft(slugA, subA, nounA, rng);
    const b = pairDraft(slugB, subB, nounB, rng);
    a.partner = b;
    b.partner = a;
    drafts.push(a, b);
    taken.add(a.names.en);
    taken.add(b.names.en);
  }
  drafts.push(...genericDrafts(count - drafts.length, taken, rng));
  rng.shuffle(drafts);

  // Zipf popularity over a random ranking: rank r gets weight 1/(r+1)^s.
  const ranks = rng.shuffle(Array.from({ length: drafts.length }, (_, i) => i));
  const indexOf = new Map<Draft, number>(drafts.map((d, i) => [d, i]));
  const byCategory: number[][] = CATEGORIES.map(() => []);
  const products = drafts.map((d, index): DemoProduct => {
    const category = CATEGORIES[d.top] as CategoryDef; // drafts only hold valid indices
    const id = `sku-${String(index + 1).padStart(4, '0')}`;
    const price = roundPrice(d.basePrice * Math.exp(rng.normal(0, 0.22)));
    const quality = rng.bernoulli(0.06) ? 2.4 + rng.next() * 0.8 : Math.min(4.85, Math.max(3.2, rng.normal(4.2, 0.35)));
    const language = rng.bernoulli(0.6) ? 'zh' : 'en';
    const [f1, f2] = rng.shuffle([...d.sub.features]);
    const scenario = rng.pick(category.scenarios);
    const descriptions = {
      zh: `${d.names.zh}：${f1?.[0] ?? ''}，${f2?.[0] ?? ''}。${scenario[0]}。`,
      en: `${d.names.en}: ${f1?.[1] ?? ''}, ${f2?.[1] ?? ''}. ${scenario[1]}.`,
    };
    (byCategory[d.top] as number[]).push(index);
    const item: CatalogItemInput = {
      id,
      type: 'product',
      name: d.names[language],
      names: { zh: d.names.zh, en: d.names.en },
      description: descriptions[language],
      descriptions,
      categories: [category.name[1], d.sub.name[1]],
      price,
      currency: 'CNY',
      inStock: !rng.bernoulli(0.08),
      language,
      url: `${SITE}/products/${id}`,
      imageUrl: `${SITE}/img/${id}.jpg`,
      brand: d.brand ? d.brand[language === 'zh' ? 0 : 1] : null,
      attributes: { category_zh: [category.name[0], d.sub.name[0]], ...attributes(category.kind, d.sub.name[1], rng, d.brand) },
    };
    return {
      index,
      id,
      names: d.names,
      category: `${category.name[1]}/${d.sub.name[1]}`,
      top: d.top,
      price,
      quality,
      partner: d.partner ? (indexOf.get(d.partner) ?? -1) : -1,
      popularity: 1 / Math.pow((ranks[index] ?? 0) + 1, ZIPF_EXPONENT),
      searchTerm: d.searchTerm,
      brand: d.brand ? { zh: d.brand[0], en: d.brand[1] } : null,
      item,
    };
  });
  const pairs = products.filter((p) => p.partner > p.index).map((p) => [p.index, p.partner] as const);
  return { products, pairs, byCategory };
}
