/** Why an item is recommended, in both languages ("because you viewed X", "popular in Y this week"). */
import { assertUnreachable } from '../platform/errors.js';
import type { Bilingual, Reason, ReasonKind } from './recommend.schema.js';

/** The product or category a reason names, already in each language. */
export interface ReasonSubject {
  productId?: string | null;
  product?: Bilingual | null;
  category?: string | null;
}

function text(kind: ReasonKind, s: ReasonSubject): Bilingual {
  const p = s.product ?? { en: s.productId ?? '', zh: s.productId ?? '' };
  const c = s.category ?? '';
  switch (kind) {
    case 'viewed':
      return { en: `Because you viewed ${p.en}`, zh: `因为你浏览过「${p.zh}」` };
    case 'carted':
      return { en: `Because you added ${p.en} to your cart`, zh: `因为你把「${p.zh}」加入了购物车` };
    case 'purchased':
      return { en: `Because you bought ${p.en}`, zh: `因为你购买过「${p.zh}」` };
    case 'similar':
      return { en: `Similar to ${p.en}`, zh: `与「${p.zh}」相似` };
    case 'bought_together':
      return { en: `Often bought with ${p.en}`, zh: `常与「${p.zh}」一起购买` };
    case 'popular_in_category':
      return { en: `Popular in ${c} this week`, zh: `本周「${c}」热销` };
    case 'popular':
      return { en: 'Popular right now', zh: '当下热门' };
    case 'for_you':
      return { en: 'Picked for you from your recent activity', zh: '根据你最近的浏览为你挑选' };
    case 'boosted':
      return { en: 'Featured by the shop', zh: '店铺精选' };
    default:
      return assertUnreachable(kind);
  }
}

/** A reason with its text in English and Chinese. */
export function reason(kind: ReasonKind, subject: ReasonSubject = {}): Reason {
  return { kind, productId: subject.productId ?? null, category: subject.category ?? null, text: text(kind, subject) };
}
