/**
 * One customer's event writer: Segment spec events with a deterministic messageId
 * (`demo-<customer>-<n>`), a monotonic clock, the device and login state of the current visit,
 * and the context (ip, userAgent, locale, time zone, page, campaign) every event carries.
 */
import type { SegmentEventInput } from '../ingest/ingest.schema.js';
import type { Rng } from '../ml/rng.js';
import type { DemandProfiles, DemoCampaign } from './demo.calendar.js';
import type { DemoProduct } from './demo.catalog.js';
import type { CustomerContext, DemoCustomer } from './demo.customers.js';
import { uuid } from './demo.customers.js';

export const SITE = 'https://demo.nudge.local';

/** Everything a session needs besides the customer. */
export interface ShopContext extends CustomerContext {
  demand: DemandProfiles;
  campaigns: readonly DemoCampaign[];
  /** Popularity-weighted product samplers per top category (return product indices). */
  categorySample: ((rng: Rng) => number)[];
}

export interface PageInfo {
  path: string;
  title: string;
}

/** Writes one customer's events in time order. */
export class Timeline {
  readonly events: SegmentEventInput[] = [];
  /** Time of the last event, ms. */
  clock = 0;
  signedUp = false;
  /** Traits still to send with the first logged-in event (customers who predate the window). */
  pendingTraits: Record<string, unknown> | null = null;
  private seq = 0;
  private orders = 0;
  private carts = 0;
  private reviews = 0;
  /** null for events a server sends on the user's behalf (email opens). */
  private anonymousId: string | null;
  private loggedIn = false;
  private deviceIndex = 0;
  private readonly linked: boolean[];
  private campaign: Record<string, string> | null = null;
  private page: PageInfo | null = null;

  constructor(
    readonly c: DemoCustomer,
    readonly ctx: ShopContext,
    readonly rng: Rng,
  ) {
    this.anonymousId = c.devices[0]?.anonymousId ?? uuid(rng);
    this.linked = c.devices.map(() => false);
  }

  /** Starts a new visit at `ms` (or a little after the previous event); false once the window is over. */
  begin(ms: number): boolean {
    this.clock = Math.round(Math.max(ms, this.clock + 60_000 + this.rng.int(0, 300_000)));
    this.campaign = null;
    this.page = null;
    return this.clock < this.ctx.window.endMs;
  }

  /** Advances the clock by a human pause. */
  step(minSeconds: number, maxSeconds: number): void {
    this.clock += Math.round((minSeconds + this.rng.next() * (maxSeconds - minSeconds)) * 1000);
  }

  private emit(event: SegmentEventInput): void {
    if (this.clock < this.ctx.window.endMs) this.events.push(event);
  }

  private common(): { messageId: string; timestamp: string; anonymousId?: string; userId?: string; context: Record<string, unknown> } {
    const c = this.c;
    const device = c.devices[this.deviceIndex]?.device ?? c.devices[0]?.device;
    const context: Record<string, unknown> = {
      ip: c.ip,
      userAgent: device?.userAgent ?? '',
      locale: c.city.locale,
      timezone: c.city.timezone,
      library: { name: 'nudge-demo', version: '1.0.0' },
    };
    if (this.page) context['page'] = { path: this.page.path, url: SITE + this.page.path, title: this.page.title };
    if (this.campaign) context['campaign'] = this.campaign;
    this.seq += 1;
    const base = { messageId: `demo-${String(c.index + 1).padStart(5, '0')}-${this.seq}`, timestamp: new Date(this.clock).toISOString(), context };
    if (this.anonymousId === null) return { ...base, userId: c.userId };
    return this.loggedIn ? { ...base, userId: c.userId, anonymousId: this.anonymousId } : { ...base, anonymousId: this.anonymousId };
  }

  track(event: string, properties: Record<string, unknown>): void {
    this.emit({ ...this.common(), type: 'track', event, properties });
  }

  pageView(name: string, page: PageInfo, extra: Record<string, unknown> = {}, category?: string): void {
    this.page = page;
    const properties = { name, path: page.path, url: SITE + page.path, title: page.title, ...extra };
    this.emit(category ? { ...this.common(), type: 'page', name, category, properties } : { ...this.common(), type: 'page', name, properties });
  }

  /** Sets the page later events report in their context, without a page call. */
  setPage(page: PageInfo): void {
    this.page = page;
  }

  identify(traits?: Record<string, unknown>): void {
    this.loggedIn = true;
    this.emit(traits ? { ...this.common(), type: 'identify', traits } : { ...this.common(), type: 'identify' });
  }

  /** Links the current anonymous id to the user: usually by identify (login), sometimes by alias. */
  logIn(): void {
    if (this.loggedIn) return;
    if (this.rng.bernoulli(0.2) && this.anonymousId !== null && !this.pendingTraits) {
      const previousId = this.anonymousId;
      this.loggedIn = true;
      this.emit({ ...this.common(), type: 'alias', previousId });
    } else {
      this.identify(this.pendingTraits ?? undefined);
      this.pendingTraits = null;
    }
    this.linked[this.deviceIndex] = true;
    this.step(2, 20);
  }

  /** Picks the device and login state a visit starts with. Before sign-up the visitor is anonymous. */
  openVisit(): void {
    const c = this.c;
    this.loggedIn = false;
    this.deviceIndex = 0;
    this.anonymousId = c.devices[0]?.anonymousId ?? this.anonymousId;
    if (!this.signedUp) return;
    const u = this.rng.next();
    if (c.devices.length > 1 && u < 0.22) {
      this.deviceIndex = 1;
      this.anonymousId = c.devices[1]?.anonymousId ?? this.anonymousId;
      if (this.linked[1]) this.loggedIn = true;
    } else if (u < 0.27) {
      this.anonymousId = uuid(this.rng); // cleared cookies or a borrowed phone: a fresh anonymous id
    } else {
      this.loggedIn = true;
    }
    if (this.loggedIn && this.pendingTraits) {
      this.identify(this.pendingTraits);
      this.pendingTraits = null;
      this.step(1, 5);
    }
  }

  /** Events a server sends for the user (email provider webhooks): userId only, no device. */
  asUser(): void {
    this.loggedIn = true;
    this.anonymousId = null;
    this.deviceIndex = 0;
    if (this.pendingTraits) {
      this.identify(this.pendingTraits);
      this.pendingTraits = null;
      this.step(1, 3);
    }
  }

  /** A logged-in visit on the customer's main device. */
  onPrimaryDevice(): void {
    this.openVisit();
    this.deviceIndex = 0;
    this.anonymousId = this.c.devices[0]?.anonymousId ?? this.anonymousId;
    this.logIn();
  }

  /** Whether events currently carry the userId. */
  get isLoggedIn(): boolean {
    return this.loggedIn;
  }

  setCampaign(campaign: DemoCampaign): void {
    this.campaign = { name: campaign.name, source: 'newsletter', medium: 'email', content: campaign.id };
  }

  productProps(p: DemoProduct): Record<string, unknown> {
    return { product_id: p.id, sku: p.id, name: p.names[this.c.language], category: p.category, brand: p.brand ? p.brand[this.c.language] : null, price: p.price, currency: 'CNY', url: `${SITE}/products/${p.id}`, image_url: p.item.imageUrl ?? null };
  }

  nextOrderId(): string {
    this.orders += 1;
    return `ord-${String(this.c.index + 1).padStart(5, '0')}-${this.orders}`;
  }

  nextCartId(): string {
    this.carts += 1;
    return `cart-${String(this.c.index + 1).padStart(5, '0')}-${this.carts}`;
  }

  nextReviewId(): string {
    this.reviews += 1;
    return `rev-${String(this.c.index + 1).padStart(5, '0')}-${this.reviews}`;
  }
}
