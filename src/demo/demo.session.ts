/**
 * The shapes of a visit to the demo shop: anonymous browsing, sign-up, browsing with searches and
 * product views, abandoned carts, checkout with coupons, email opens and clicks, and reviews.
 */
import type { DemoCampaign } from './demo.calendar.js';
import type { DemoProduct } from './demo.catalog.js';
import { CATEGORIES } from './demo.catalog.data.js';
import { SITE } from './demo.timeline.js';
import type { PageInfo, Timeline } from './demo.timeline.js';

const SHOP_NAME = { zh: 'Nudge 演示商城', en: 'Nudge Demo Shop' } as const;
const PAGE_TITLES = {
  cart: { zh: '购物车', en: 'Cart' },
  checkout: { zh: '结算', en: 'Checkout' },
  signup: { zh: '注册', en: 'Sign up' },
} as const;
const titled = (t: Timeline, page: keyof typeof PAGE_TITLES): string => `${PAGE_TITLES[page][t.c.language]} | ${SHOP_NAME[t.c.language]}`;

export interface OrderLine {
  product: DemoProduct;
  quantity: number;
}

export interface PlacedOrder {
  orderId: string;
  at: number;
  lines: OrderLine[];
  total: number;
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

function categoryPage(t: Timeline, top: number): PageInfo {
  const cat = CATEGORIES[top];
  const name = cat ? cat.name[t.c.language === 'zh' ? 0 : 1] : '';
  return { path: `/c/${cat?.slug ?? 'all'}`, title: `${name} | ${SHOP_NAME[t.c.language]}` };
}

function productPage(t: Timeline, p: DemoProduct): PageInfo {
  return { path: `/products/${p.id}`, title: `${p.names[t.c.language]} | ${SHOP_NAME[t.c.language]}` };
}

/** The products a customer intends to buy: an anchor (often a favourite), its planted partner, a few extras. */
export function chooseBasket(t: Timeline): OrderLine[] {
  const { rng, c, ctx } = t;
  const products = ctx.catalog.products;
  const anchorIndex = c.favorites.length > 0 && rng.bernoulli(0.3) ? rng.pick(c.favorites) : c.sampleProduct(rng);
  const chosen = [anchorIndex];
  const anchor = products[anchorIndex];
  if (anchor && anchor.partner >= 0 && rng.bernoulli(0.45)) chosen.push(anchor.partner);
  const extras = rng.poisson(c.persona.extraItems);
  for (let k = 0; k < extras; k++) {
    const next = anchor && rng.bernoulli(0.5) ? (ctx.categorySample[anchor.top]?.(rng) ?? c.sampleProduct(rng)) : c.sampleProduct(rng);
    if (!chosen.includes(next)) chosen.push(next);
  }
  return chosen.flatMap((i) => {
    const product = products[i];
    if (!product) return [];
    const consumable = ['food', 'beauty', 'baby'].includes(CATEGORIES[product.top]?.kind ?? '');
    const quantity = consumable ? 1 + rng.poisson(c.persona.id === 'bargain_hunter' ? 0.6 : 0.3) : rng.bernoulli(0.05) ? 2 : 1;
    return [{ product, quantity }];
  });
}

/** Coupon for an order, if any: [code, discount in CNY]. */
function chooseCoupon(t: Timeline, subtotal: number, firstOrder: boolean, festival: boolean): [string, number] | null {
  const { rng, c } = t;
  const date = new Date(t.clock);
  const m = date.getUTCMonth() + 1;
  const d = date.getUTCDate();
  if (firstOrder && rng.bernoulli(0.5)) return ['WELCOME20', round2(subtotal * 0.2)];
  if (!rng.bernoulli(Math.min(0.95, c.persona.couponRate + (festival ? 0.3 : 0)))) return null;
  if (m === 11 && d >= 10 && d <= 12) return ['DOUBLE11', round2(subtotal * 0.15)];
  if (m === 6 && d <= 18) return ['618SALE', round2(subtotal * 0.12)];
  if (subtotal >= 299 && rng.bernoulli(0.4)) return ['FULL299-50', 50];
  if ((c.membership === 'gold' || c.membership === 'platinum') && rng.bernoulli(0.5)) return ['VIP15', round2(subtotal * 0.15)];
  return ['SAVE10', round2(subtotal * 0.1)];
}

export interface VisitPlan {
  /** The customer means to buy (they may still abandon at checkout). */
  buy: boolean;
  source: 'direct' | 'email' | 'signup';
  campaign?: DemoCampaign;
  /** Demand multiplier for orders that day (festival coupons above 2). */
  orderDemand: number;
  firstOrder: boolean;
}

/** A visit: entry page, category, search, product views, cart, and maybe an order. Returns the order placed, if any. */
export function visit(t: Timeline, plan: VisitPlan): PlacedOrder | null {
  const { rng, c, ctx } = t;
  const lang = c.language;
  const products = ctx.catalog.products;
  const basket = plan.buy ? chooseBasket(t) : [];
  const focus = basket[0]?.product ?? products[c.sampleProduct(rng)];
  if (!focus) return null;

  let enteredOnCategory = false;
  if (plan.source === 'email' && plan.campaign) {
    t.setCampaign(plan.campaign);
    t.pageView('Home', { path: `/?utm_source=newsletter&utm_medium=email&utm_campaign=${plan.campaign.id}`, title: SHOP_NAME[lang] }, { referrer: '' });
  } else if (plan.source !== 'signup') {
    const u = rng.next();
    if (u < 0.55) t.pageView('Home', { path: '/', title: SHOP_NAME[lang] }, { referrer: rng.pick(lang === 'zh' ? ['', '', 'https://www.baidu.com/', 'https://weixin.qq.com/'] : ['', '', 'https://www.google.com/', 'https://www.instagram.com/']) });
    else if (u < 0.8) enteredOnCategory = true;
  }
  t.step(5, 40);
  if (enteredOnCategory || rng.bernoulli(0.6)) {
    t.pageView('Category', categoryPage(t, focus.top), {}, CATEGORIES[focus.top]?.name[1]);
    t.step(5, 60);
  }
  if (rng.bernoulli(0.25)) {
    const query = focus.searchTerm[lang];
    t.track('Products Searched', { query });
    t.step(1, 4);
    t.pageView('Search', { path: `/search?q=${encodeURIComponent(query)}`, title: `${query} | ${SHOP_NAME[lang]}` }, { search: `?q=${query}` });
    t.step(5, 30);
  }

  // Views: the basket items among a few others, mostly from the focus category.
  const views: DemoProduct[] = basket.map((l) => l.product);
  const extraViews = plan.buy ? rng.poisson(1.2) : 1 + rng.poisson(Math.max(0, c.persona.viewsPerSession - 1));
  for (let k = 0; k < extraViews; k++) {
    const index = rng.bernoulli(0.6) ? (ctx.categorySample[focus.top]?.(rng) ?? c.sampleProduct(rng)) : c.sampleProduct(rng);
    const p = products[index];
    if (p) views.push(p);
  }
  rng.shuffle(views);
  const cartId = t.nextCartId();
  const inBasket = new Set(basket.map((l) => l.product.index));
  let abandoned = 0;
  for (const p of views) {
    t.setPage(productPage(t, p)); // the product page itself is recorded as Product Viewed, not a second page call
    t.track('Product Viewed', t.productProps(p));
    t.step(15, 150);
    if (t.signedUp && !t.isLoggedIn && rng.bernoulli(0.3)) t.logIn();
    const line = basket.find((l) => l.product === p);
    if (line && inBasket.delete(p.index)) {
      t.track('Product Added', { ...t.productProps(p), quantity: line.quantity, cart_id: cartId });
      t.step(5, 40);
    } else if (!plan.buy && rng.bernoulli(0.07)) {
      t.track('Product Added', { ...t.productProps(p), quantity: 1, cart_id: cartId });
      abandoned += 1;
      t.step(5, 40);
    }
  }
  if (!plan.buy) {
    if (abandoned > 0 && rng.bernoulli(0.4)) t.pageView('Cart', { path: '/cart', title: titled(t, 'cart') });
    return null;
  }

  t.pageView('Cart', { path: '/cart', title: titled(t, 'cart') });
  t.step(10, 60);
  t.logIn();
  const orderId = t.nextOrderId();
  const lines = basket.map((l) => ({ ...t.productProps(l.product), quantity: l.quantity }));
  const subtotal = round2(basket.reduce((s, l) => s + l.product.price * l.quantity, 0));
  t.track('Checkout Started', { order_id: orderId, cart_id: cartId, value: subtotal, revenue: subtotal, currency: 'CNY', products: lines });
  t.step(3, 10);
  t.pageView('Checkout', { path: '/checkout', title: titled(t, 'checkout') });
  t.step(20, 120);
  if (rng.bernoulli(0.1)) return null; // abandoned at checkout

  const coupon = chooseCoupon(t, subtotal, plan.firstOrder, plan.orderDemand > 2);
  const discount = coupon ? Math.min(coupon[1], subtotal) : 0;
  if (coupon) {
    t.track('Coupon Applied', { order_id: orderId, cart_id: cartId, coupon_id: coupon[0], coupon_name: coupon[0], discount });
    t.step(3, 15);
  }
  const revenue = round2(subtotal - discount);
  const shipping = revenue >= 99 ? 0 : 10;
  const total = round2(revenue + shipping);
  const order: Record<string, unknown> = { order_id: orderId, checkout_id: cartId, affiliation: SHOP_NAME.en, subtotal, revenue, total, shipping, tax: 0, discount, currency: 'CNY', products: lines };
  if (coupon) order['coupon'] = coupon[0];
  t.track('Order Completed', order);
  return { orderId, at: t.clock, lines: basket, total };
}

/** Browsing before the visitor has an account: a few pages and product views. */
export function anonymousVisit(t: Timeline): void {
  const { rng, c, ctx } = t;
  t.openVisit();
  t.pageView('Home', { path: '/', title: SHOP_NAME[c.language] }, { referrer: rng.pick(c.language === 'zh' ? ['https://www.baidu.com/', 'https://weixin.qq.com/', 'https://www.xiaohongshu.com/'] : ['https://www.google.com/', 'https://www.instagram.com/', 'https://www.facebook.com/']) });
  const n = 1 + rng.poisson(1.5);
  for (let k = 0; k < n; k++) {
    const p = ctx.catalog.products[c.sampleProduct(rng)];
    if (!p) continue;
    t.step(10, 90);
    t.setPage(productPage(t, p));
    t.track('Product Viewed', t.productProps(p));
  }
}

/** The sign-up: identify with every trait, linking the anonymous id that browsed so far. */
export function signUp(t: Timeline): void {
  const { rng, c } = t;
  t.openVisit();
  t.pageView('Home', { path: '/', title: SHOP_NAME[c.language] });
  t.step(10, 60);
  t.pageView('Sign Up', { path: '/signup', title: titled(t, 'signup') });
  t.step(20, 90);
  t.signedUp = true;
  t.identify(c.traits);
  t.step(1, 3);
  t.track('Signed Up', { method: rng.pick(c.language === 'zh' ? ['wechat', 'wechat', 'phone', 'email'] : ['email', 'email', 'google', 'apple']), accepts_marketing: c.acceptsMarketing });
  t.step(5, 30);
}

/** Email open (and sometimes a click) for a campaign. Returns true when the customer clicked through. */
export function openEmail(t: Timeline, campaign: DemoCampaign): boolean {
  const { rng, c } = t;
  const props = { campaign_id: campaign.id, campaign_name: campaign.name, subject: campaign.subject[c.language], email_id: `${campaign.id}-${c.userId}` };
  t.asUser();
  t.track('Email Opened', props);
  if (!rng.bernoulli(c.clickRate)) return false;
  t.step(5, 90);
  t.track('Email Link Clicked', { ...props, link_url: `${SITE}/?utm_source=newsletter&utm_medium=email&utm_campaign=${campaign.id}` });
  t.step(1, 5);
  return true;
}

/** A product review written some days after delivery. */
export function writeReview(t: Timeline, product: DemoProduct, orderId: string, rating: number, body: string): void {
  t.onPrimaryDevice();
  t.setPage(productPage(t, product));
  t.track('Product Reviewed', { product_id: product.id, sku: product.id, name: product.names[t.c.language], review_id: t.nextReviewId(), order_id: orderId, rating, review_body: body, language: t.c.language });
}
