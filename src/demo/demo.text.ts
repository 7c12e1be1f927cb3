/**
 * Review text for the demo shop, composed from phrase banks per language, aspect and polarity,
 * so that a review's sentiment follows its rating and its aspects (quality/质量, price/价格,
 * delivery/物流, service/客服, packaging/包装) can be found by keyword.
 *
 * A `{i}` in a phrase marks where an intensifier (很/非常/really/…) may go. Negative phrases
 * spell their negation out (不太/not very), so no positive phrase is a substring of a negative one.
 */
import type { Rng } from '../ml/rng.js';
import type { AttributeKind } from './demo.catalog.data.js';

export type Lang = 'zh' | 'en';
export type Aspect = 'quality' | 'price' | 'delivery' | 'service' | 'packaging';
export type Polarity = 'pos' | 'neu' | 'neg';
type Bank = Record<Polarity, readonly string[]>;

export const ASPECTS: readonly Aspect[] = ['quality', 'price', 'delivery', 'service', 'packaging'];

export const INTENSIFIERS: Record<Lang, readonly string[]> = {
  zh: ['很', '非常', '特别', '超级', '相当', '十分', '挺'],
  en: ['very ', 'really ', 'super ', 'extremely ', 'incredibly ', 'so ', 'pretty '],
};

/** Words that name each aspect: what an aspect extractor should look for. */
export const ASPECT_KEYWORDS: Record<Aspect, Record<Lang, readonly string[]>> = {
  quality: { zh: ['质量', '做工', '品质', '用料', '质感', '音质', '续航', '尺码', '面料', '肤感', '味道', '口感', '印刷', '内容', '材质'], en: ['quality', 'made', 'craftsmanship', 'sturdy', 'durable', 'sound', 'battery', 'fabric', 'fits', 'taste', 'printing', 'material'] },
  price: { zh: ['价格', '性价比', '便宜', '贵', '划算', '值'], en: ['price', 'value', 'worth', 'expensive', 'affordable', 'cheaper', 'deal', 'overpriced'] },
  delivery: { zh: ['物流', '快递', '发货', '配送', '送货'], en: ['delivery', 'shipping', 'shipped', 'arrived', 'courier', 'tracking'] },
  service: { zh: ['客服', '售后', '服务', '退换货'], en: ['customer service', 'support', 'service', 'return'] },
  packaging: { zh: ['包装'], en: ['packaging', 'packed', 'box', 'package'] },
};

export const ASPECT_PHRASES: Record<Lang, Record<Aspect, Bank>> = {
  zh: {
    quality: {
      pos: ['质量{i}好', '做工{i}精致', '品质{i}不错', '用料{i}扎实', '质感{i}好，摸起来很舒服', '做工{i}细致，没有线头', '质量比想象中还要好', '东西{i}好用', '品质{i}在线，和描述一致', '用了一段时间，质量{i}稳定'],
      neu: ['质量一般般', '做工还行吧', '质量中规中矩', '品质马马虎虎', '东西还可以，没有特别惊喜'],
      neg: ['质量{i}差', '做工不太好', '质量不怎么样', '用了两天就坏了', '做工{i}粗糙，有很多线头', '质量和描述不符', '品质{i}差劲，有明显瑕疵', '质量不太行，感觉是次品', '东西不太好用'],
    },
    price: {
      pos: ['价格{i}实惠', '性价比{i}高', '价格{i}便宜', '这个价格买到很值', '活动价入手，{i}划算', '价格公道，物有所值', '比超市便宜不少'],
      neu: ['价格一般', '性价比还行', '价格中等，不算便宜也不算贵'],
      neg: ['价格{i}贵', '性价比不高', '价格偏贵，不太值', '买完就降价了，{i}郁闷', '这个价格不值得', '太贵了，不值这个价'],
    },
    delivery: {
      pos: ['物流{i}快', '快递{i}给力', '发货{i}及时', '第二天就到了', '配送速度{i}快', '快递小哥服务好，送货上门', '物流{i}迅速，隔天就收到'],
      neu: ['物流速度一般', '快递正常时效', '发货有点慢，不过还能接受'],
      neg: ['物流{i}慢', '快递太慢了，等了一个多星期', '发货不太及时', '物流信息一直不更新', '快递{i}慢，催了好几次', '配送延误，{i}失望'],
    },
    service: {
      pos: ['客服{i}耐心', '客服态度{i}好', '售后{i}到位', '客服回复{i}及时', '服务{i}周到', '有问题客服马上就解决了'],
      neu: ['客服回复有点慢', '客服态度一般', '售后还行'],
      neg: ['客服态度{i}差', '客服不太专业', '客服爱答不理', '售后{i}麻烦，退换货拖了很久', '客服回复{i}慢', '联系客服没人理'],
    },
    packaging: {
      pos: ['包装{i}严实', '包装{i}精美', '包装完好无损', '包装{i}用心，送人有面子', '包装很仔细，没有破损'],
      neu: ['包装一般', '包装比较简单', '包装普普通通'],
      neg: ['包装{i}简陋', '包装破损了', '收到时包装盒都压坏了', '包装不太好，有点漏', '包装{i}敷衍'],
    },
  },
  en: {
    quality: {
      pos: ['the quality is {i}good', 'build quality is {i}solid', 'it is {i}well made', 'feels {i}sturdy and premium', 'quality is even better than I expected', 'excellent quality for everyday use', 'great craftsmanship, no loose threads', 'works {i}well', 'exactly as described, {i}high quality', 'still holding up {i}well after weeks of use'],
      neu: ['quality is okay', 'the quality is average', 'decent quality, nothing special', 'it does the job', 'quality is so-so'],
      neg: ['the quality is {i}poor', 'not very well made', 'broke after two days', 'feels {i}cheap and flimsy', 'quality is not as described', 'poor craftsmanship with visible defects', 'does not work very well', 'looks like a defective item', 'cheap materials, {i}disappointing'],
    },
    price: {
      pos: ['great value for money', 'the price is {i}reasonable', 'the price is {i}affordable', 'worth every yuan', 'got it on sale, {i}good deal', 'cheaper than in stores', 'fair price for what you get'],
      neu: ['the price is okay', 'not cheap, not expensive', 'value is average'],
      neg: ['way too expensive', 'not worth the price', 'overpriced for what it is', 'the price dropped right after I bought it, {i}annoying', 'poor value for money', 'the price is {i}high for this quality'],
    },
    delivery: {
      pos: ['delivery was {i}fast', 'arrived the next day', 'shipping was {i}quick', 'fast delivery, well done', 'the courier was {i}friendly', 'shipped on time and arrived early'],
      neu: ['delivery took the usual time', 'shipping was a bit slow but acceptable', 'delivery was average'],
      neg: ['delivery was {i}slow', 'took over a week to arrive', 'shipping was not on time', 'tracking never updated', 'the courier lost my parcel for days', 'late delivery, {i}disappointing'],
    },
    service: {
      pos: ['customer service was {i}helpful', 'the support team was {i}patient', 'great after-sales service', 'support replied {i}quickly', 'service was {i}attentive', 'customer service fixed my problem right away'],
      neu: ['customer service was slow to reply', 'support was okay', 'service was average'],
      neg: ['customer service was {i}rude', 'support was not very helpful', 'customer service ignored my messages', 'the return process was a {i}big hassle', 'support took {i}long to reply', 'nobody answered at customer service'],
    },
    packaging: {
      pos: ['packaging was {i}secure', 'beautiful packaging', 'arrived in perfect condition', 'packaging was {i}nice, great for gifts', 'carefully packed, nothing damaged'],
      neu: ['packaging was basic', 'packaging was simple', 'packaging was okay'],
      neg: ['packaging was {i}flimsy', 'the box arrived damaged', 'the package was crushed', 'poor packaging, it leaked', 'packaging was {i}careless'],
    },
  },
};

/** Quality phrases specific to what was bought (sound for earbuds, taste for food, …); they count as the quality aspect. */
export const QUALITY_BY_KIND: Record<AttributeKind, Record<Lang, Omit<Bank, 'neu'>>> = {
  electronics: { zh: { pos: ['音质{i}好', '续航{i}给力', '屏幕{i}清晰'], neg: ['续航不太行', '连接经常断', '充电{i}慢'] }, en: { pos: ['the sound is {i}clear', 'battery life is {i}great', 'the screen is {i}sharp'], neg: ['the battery drains {i}fast', 'keeps disconnecting', 'charging is {i}slow'] } },
  apparel: { zh: { pos: ['尺码{i}标准', '面料{i}舒服', '上身效果{i}好'], neg: ['尺码偏小', '面料{i}薄', '洗了一次就掉色'] }, en: { pos: ['it fits {i}well', 'the fabric is {i}soft', 'looks great on'], neg: ['runs small', 'the fabric is {i}thin', 'faded after one wash'] } },
  beauty: { zh: { pos: ['肤感{i}好', '味道{i}好闻', '用完皮肤{i}水润'], neg: ['用了过敏', '味道{i}刺鼻', '用完脸很干'] }, en: { pos: ['feels {i}nice on the skin', 'smells {i}lovely', 'my skin feels {i}hydrated'], neg: ['gave me a rash', 'the smell is {i}harsh', 'left my skin dry'] } },
  home: { zh: { pos: ['用起来{i}顺手', '安装{i}简单', '噪音{i}小'], neg: ['噪音{i}大', '安装太麻烦', '有股异味'] }, en: { pos: ['easy to use', 'setup was {i}simple', 'it is {i}quiet'], neg: ['it is {i}noisy', 'assembly was a nightmare', 'has a weird smell'] } },
  food: { zh: { pos: ['味道{i}好', '口感{i}好', '东西{i}新鲜'], neg: ['味道一般，不太好吃', '不新鲜，有坏的', '口感{i}差'] }, en: { pos: ['tastes {i}good', 'it is {i}fresh', 'the kids love the taste'], neg: ['does not taste good', 'not fresh, some were spoiled', 'the texture is {i}bad'] } },
  sports: { zh: { pos: ['用着{i}顺手', '结实耐用', '防滑效果{i}好'], neg: ['不太结实', '用了一周就开裂', '防滑效果{i}差'] }, en: { pos: ['it is {i}sturdy', 'the grip is {i}good', 'great for workouts'], neg: ['not very durable', 'cracked after a week', 'the grip is {i}poor'] } },
  baby: { zh: { pos: ['宝宝{i}喜欢', '材质{i}安全', '用着{i}放心'], neg: ['宝宝不喜欢', '有异味，不敢给宝宝用', '材质{i}硬'] }, en: { pos: ['my baby loves it', 'feels {i}safe', 'the material is {i}soft'], neg: ['my baby did not like it', 'has a chemical smell', 'the material is {i}stiff'] } },
  books: { zh: { pos: ['内容{i}精彩', '印刷{i}清晰', '纸张{i}好'], neg: ['印刷{i}模糊', '有错别字', '内容{i}无聊'] }, en: { pos: ['the story is {i}engaging', 'the printing is {i}crisp', 'the paper quality is {i}nice'], neg: ['the printing is {i}blurry', 'full of typos', 'the content is {i}boring'] } },
};

/** Whole-review verdicts without an aspect. */
export const OVERALL: Record<Lang, Bank> = {
  zh: {
    pos: ['总体{i}满意', '强烈推荐', '会回购的', '五星好评', '已经推荐给朋友了', '买得{i}值', '下次还来', '好评！', '这次购物体验{i}棒', '超出预期'],
    neu: ['总体还行吧', '凑合用吧', '还可以，有待改进', '中规中矩吧'],
    neg: ['{i}失望', '不会再买了', '不推荐购买', '差评', '后悔买了', '申请退货了', '跟图片差太多了', '踩雷了'],
  },
  en: {
    pos: ['highly recommend', 'would buy again', 'five stars', 'already recommended it to friends', 'totally worth it', 'love it', 'I am {i}happy with this purchase', 'exceeded my expectations', 'best purchase this year'],
    neu: ['it is okay overall', 'average, could be better', 'nothing special', 'it is fine I guess'],
    neg: ['I am {i}disappointed', 'would not buy again', 'do not recommend', 'regret buying this', 'returned it', 'looks nothing like the pictures', 'a waste of money'],
  },
};

const EMOJI: Record<Polarity, readonly string[]> = { pos: ['👍', '😊', '❤️', '💯', '🎉', '😍'], neu: ['🤔', '😐'], neg: ['😡', '👎', '😞', '💔', '🙄'] };

/** P(positive, neutral, negative) for one aspect of a review with this rating. */
const ASPECT_POLARITY: Record<number, readonly [number, number, number]> = {
  5: [0.95, 0.05, 0],
  4: [0.75, 0.2, 0.05],
  3: [0.3, 0.4, 0.3],
  2: [0.03, 0.2, 0.77],
  1: [0.02, 0.06, 0.92],
};
/** How often each aspect comes up. */
const ASPECT_WEIGHTS = [0.4, 0.16, 0.2, 0.1, 0.14];

export interface ReviewInput {
  rating: number;
  language: Lang;
  kind: AttributeKind;
  /** What the product is called in a sentence ("蓝牙耳机", "wireless earbuds"). */
  term: string;
  /** Mix in a phrase of the other language. */
  mixed: boolean;
}

export interface ComposedReview {
  body: string;
  aspects: { aspect: Aspect; polarity: Polarity }[];
}

function fill(rng: Rng, phrase: string, lang: Lang): string {
  if (!phrase.includes('{i}')) return phrase;
  return phrase.replace('{i}', rng.bernoulli(0.65) ? rng.pick(INTENSIFIERS[lang]) : lang === 'zh' && /\{i\}[\u4e00-\u9fff]$/.test(phrase) ? '很' : '');
}

const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

function polarityFor(rng: Rng, rating: number): Polarity {
  const [p, n] = ASPECT_POLARITY[rating] ?? [0.34, 0.33, 0.33];
  const u = rng.next();
  return u < p ? 'pos' : u < p + n ? 'neu' : 'neg';
}

function aspectPhrase(rng: Rng, aspect: Aspect, polarity: Polarity, lang: Lang, kind: AttributeKind): string {
  if (aspect === 'quality' && polarity !== 'neu' && rng.bernoulli(0.45)) return fill(rng, rng.pick(QUALITY_BY_KIND[kind][lang][polarity]), lang);
  return fill(rng, rng.pick(ASPECT_PHRASES[lang][aspect][polarity]), lang);
}

/** A review whose every clause agrees with the rating (mostly: a 4-star review may grumble about delivery). */
export function composeReview(rng: Rng, input: ReviewInput): ComposedReview {
  const { rating, language: lang } = input;
  const verdict: Polarity = rating >= 4 ? 'pos' : rating === 3 ? 'neu' : 'neg';
  const clauses: string[] = [];
  const aspects: ComposedReview['aspects'] = [];

  if (rng.bernoulli(0.08)) {
    clauses.push(fill(rng, rng.pick(OVERALL[lang][verdict]), lang)); // a one-liner: "好评！"
  } else {
    if (rng.bernoulli(0.25)) {
      clauses.push(lang === 'zh' ? `${rng.pick(['买了这款', '入手了这款', '给家人买的', '刚收到的'])}${input.term}` : `bought the ${input.term} ${rng.pick(['for myself', 'as a gift', 'for my family', 'last week', 'on sale'])}`);
    }
    const count = 1 + (rng.bernoulli(0.55) ? 1 : 0) + (rng.bernoulli(0.2) ? 1 : 0);
    const weights = [...ASPECT_WEIGHTS];
    for (let k = 0; k < count; k++) {
      const i = rng.weightedIndex(weights);
      weights[i] = 0;
      const aspect = ASPECTS[i] as Aspect; // weightedIndex returns an index of `weights`, same length as ASPECTS
      const polarity = polarityFor(rng, rating);
      aspects.push({ aspect, polarity });
      clauses.push(aspectPhrase(rng, aspect, polarity, lang, input.kind));
    }
    if (rng.bernoulli(0.6)) clauses.push(fill(rng, rng.pick(OVERALL[lang][verdict]), lang));
  }

  let body: string;
  if (lang === 'zh') {
    const end = verdict === 'pos' && rng.bernoulli(0.4) ? '！' : verdict === 'neg' && rng.bernoulli(0.3) ? '！' : '。';
    body = clauses.join('，').replace(/！$/, '') + end;
  } else {
    const sentences: string[] = [];
    for (const clause of clauses) {
      const last = sentences.length - 1;
      if (last >= 0 && rng.bernoulli(0.35)) sentences[last] = `${sentences[last]}, and ${clause}`;
      else sentences.push(capitalise(clause));
    }
    const end = verdict === 'pos' && rng.bernoulli(0.35) ? '!' : '.';
    body = sentences.join('. ') + end;
  }
  if (input.mixed) {
    const other: Lang = lang === 'zh' ? 'en' : 'zh';
    const extra = fill(rng, rng.pick(OVERALL[other][verdict]), other).replace(/[！!]$/, '');
    body += other === 'en' ? ` ${capitalise(extra)}!` : ` ${extra}！`;
  }
  if (rng.bernoulli(0.15)) body += ` ${rng.pick(EMOJI[verdict])}`;
  return { body, aspects };
}
