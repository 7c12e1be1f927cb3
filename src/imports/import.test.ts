import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { testDialects } from '../db/testing.js';
import { createTestNudge, type TestNudge } from '../testing/nudge.testing.js';
import type { ImportJob, ImportKind, ImportMode } from './import.schema.js';
import { createImportService } from './import.service.js';

const lines = (...rows: string[]): string => `${rows.join('\n')}\n`;

for (const dialect of testDialects()) {
  describe(`CSV import (${dialect})`, () => {
    let t: TestNudge;
    before(async () => {
      t = await createTestNudge(dialect);
    });
    after(async () => t.cleanup());

    const auth = () => ({ authorization: `Bearer ${t.workspace.secretKey}` });
    const upload = (kind: ImportKind, mode: ImportMode, csv: string | Buffer, headers: Record<string, string> = {}) =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/imports?kind=${kind}&mode=${mode}&fileName=${kind}.csv`,
        payload: csv,
        headers: { 'content-type': 'text/csv; charset=utf-8', ...auth(), ...headers },
      });

    /** Poll the job through the API, as the dashboard does, until it has finished. */
    async function finished(id: string): Promise<ImportJob> {
      for (let i = 0; i < 500; i++) {
        const res = await t.app.inject({ method: 'GET', url: `/api/v1/imports/${id}`, headers: auth() });
        assert.equal(res.statusCode, 200, res.body);
        const job = res.json<ImportJob>();
        if (job.status !== 'running') return job;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`import ${id} did not finish`);
    }

    async function importViaHttp(kind: ImportKind, mode: ImportMode, csv: string): Promise<ImportJob> {
      const res = await upload(kind, mode, csv);
      assert.equal(res.statusCode, 202, res.body);
      const started = res.json<ImportJob>();
      assert.equal(started.kind, kind);
      assert.equal(started.totalBytes, Buffer.byteLength(csv));
      return finished(started.id);
    }

    const importViaService = (kind: ImportKind, mode: ImportMode, csv: string | Buffer) =>
      t.nudge.imports.run(t.workspace.id, { kind, mode, fileName: `${kind}.csv` }, Readable.from([Buffer.from(csv)]), 'test');

    const orderCount = async (userId: string) => (await t.nudge.profiles.get(t.workspace.id, userId)).stats.orders;
    const profileExists = async (key: string) =>
      t.nudge.profiles.get(t.workspace.id, key).then(
        () => true,
        () => false,
      );

    test('profiles: new rows create profiles, a known userId gets its traits updated, email links rows', async () => {
      const earlier = await importViaService('profiles', 'valid_rows', lines('user_id,plan,city,updated_at', 'p-known,free,Beijing,2026-01-01T00:00:00Z'));
      assert.equal(earlier.rowsImported, 1);
      const csv = lines(
        '\ufeffuser_id , Email,phone,first_name,last_name,name,plan,age,vip,zip,city',
        'p-known,known@example.com,,,,,gold,41,true,02134,',
        'p-new-1,MEI@Example.com,+86 138-0013-8000,Mei,Lin,林美,pro,29,false,,上海',
        ',mei@example.com,,,,,,,,,Shanghai',
      );
      const job = await importViaHttp('profiles', 'valid_rows', csv);
      assert.equal(job.status, 'completed', JSON.stringify(job));
      assert.deepEqual([job.rowsProcessed, job.rowsImported, job.rowsFailed, job.errors], [3, 3, 0, []]);
      assert.ok(job.finishedAt);

      const known = await t.nudge.profiles.get(t.workspace.id, 'p-known');
      assert.equal(known.traits.plan, 'gold', 'the new import (now) wins over the row updated on Jan 1');
      assert.equal(known.traits.city, 'Beijing', 'an empty cell leaves a trait as it is');
      assert.equal(known.traits.age, 41);
      assert.equal(known.traits.vip, true);
      assert.equal(known.traits.zip, '02134', 'a leading zero keeps the text');
      assert.equal(known.email, 'known@example.com');
      assert.equal(known.eventCount, 0, 'an imported row is not an event');

      const mei = await t.nudge.profiles.get(t.workspace.id, 'p-new-1');
      assert.equal(mei.name, '林美');
      assert.equal(mei.phone, '+8613800138000');
      assert.equal(mei.email, 'mei@example.com');
      assert.equal(mei.traits.city, 'Shanghai', 'the third row is the same person (email) and comes later');
      assert.equal((await t.nudge.profiles.get(t.workspace.id, 'mei@example.com')).id, mei.id);
    });

    test('orders: rows with the same order_id form one order; orders and revenue show on the customer', async () => {
      const csv = lines(
        'order_id,user_id,email,placed_at,currency,product_id,quantity,price,total',
        'o-1,c-1,,2026-01-15T10:30:00Z,cny,sku-1,2,100,',
        'o-1,,,,,sku-2,1,50.5,',
        'o-2,c-1,,2026-02-01 09:00:00,CNY,sku-3,3,19.9,',
        'o-3,,new.buyer@example.com,2026-02-02,CNY,sku-1,1,100,120',
      );
      const job = await importViaHttp('orders', 'valid_rows', csv);
      assert.equal(job.status, 'completed', JSON.stringify(job));
      assert.deepEqual([job.rowsProcessed, job.rowsImported, job.rowsFailed, job.rowsSkipped], [4, 4, 0, 0]);
      const c1 = await t.nudge.profiles.get(t.workspace.id, 'c-1');
      assert.equal(c1.stats.orders, 2);
      assert.equal(c1.stats.revenue, 250.5 + 59.7);
      assert.equal(c1.stats.lastOrderAt, '2026-02-01T09:00:00.000Z');
      const buyer = await t.nudge.profiles.get(t.workspace.id, 'new.buyer@example.com');
      assert.deepEqual([buyer.stats.orders, buyer.stats.revenue], [1, 120], 'an explicit total is kept; the customer is created from the email');

      const again = await importViaHttp('orders', 'valid_rows', csv);
      assert.equal(again.status, 'completed');
      assert.deepEqual([again.rowsImported, again.rowsFailed, again.rowsSkipped], [0, 0, 4], 're-importing the same file is harmless');
      assert.equal(await orderCount('c-1'), 2);
    });

    test('orders: an order with one bad line is refused whole, and every one of its rows is reported', async () => {
      const csv = lines(
        'order_id,user_id,placed_at,product_id,quantity,price',
        'b-1,bad-1,2026-03-01,sku-1,1,10',
        'b-1,bad-1,2026-03-01,sku-2,two,10',
        'b-1,bad-1,2026-03-01,sku-3,1,10',
        'b-2,bad-1,2026-03-02,sku-1,1,10',
        'b-3,bad-1,2026-03-01,sku-1,1,10',
        'b-3,bad-2,2026-03-01,sku-1,1,10',
        'b-2,bad-1,2026-03-02,sku-9,1,10',
      );
      const job = await importViaService('orders', 'valid_rows', csv);
      assert.equal(job.status, 'completed', JSON.stringify(job));
      assert.deepEqual([job.rowsProcessed, job.rowsImported, job.rowsFailed], [7, 1, 6]);
      const byRow = job.errors.map((e) => [e.row, e.field, e.code]);
      assert.deepEqual(byRow, [
        [1, 'order_id', 'IMPORT_ORDER_REJECTED'],
        [2, 'quantity', 'IMPORT_ROW_BAD_NUMBER'],
        [3, 'order_id', 'IMPORT_ORDER_REJECTED'],
        [5, 'order_id', 'IMPORT_ORDER_REJECTED'],
        [6, 'user_id', 'IMPORT_ORDER_INCONSISTENT'],
        [7, 'order_id', 'IMPORT_ORDER_NOT_CONTIGUOUS'],
      ]);
      assert.equal(await orderCount('bad-1'), 1, 'only b-2 (its first, contiguous run) was imported');
    });

    test('catalog: zh/en names, category path, extra columns become attributes', async () => {
      const csv = lines(
        'id,name,name_zh,name_en,description_zh,category,subcategory,price,currency,in_stock,url,brand,color,weight_g',
        'sku-42,,无线蓝牙耳机,Wireless earbuds,降噪入耳式耳机,Electronics,Audio,199.00,CNY,true,https://shop.example.com/p/42,Acme,black,45',
        'sku-43,Tea set,茶具,,,Home,,88,,否,,,"white, blue",',
      );
      const job = await importViaHttp('catalog', 'all_or_nothing', csv);
      assert.equal(job.status, 'completed', JSON.stringify(job));
      assert.equal(job.rowsImported, 2);
      const item = await t.nudge.catalog.get(t.workspace.id, 'sku-42');
      assert.equal(item.name, '无线蓝牙耳机');
      assert.equal(item.language, 'zh');
      assert.deepEqual(item.names, { zh: '无线蓝牙耳机', en: 'Wireless earbuds' });
      assert.equal(item.description, '降噪入耳式耳机');
      assert.deepEqual(item.categories, ['Electronics', 'Audio']);
      assert.equal(item.price, 199);
      assert.equal(item.inStock, true);
      assert.deepEqual(item.attributes, { color: 'black', weight_g: 45 });
      const tea = await t.nudge.catalog.get(t.workspace.id, 'sku-43');
      assert.deepEqual([tea.name, tea.language, tea.inStock, tea.currency, tea.attributes.color], ['Tea set', 'en', false, 'CNY', 'white, blue']);
    });

    test('a wrong header is refused with 400, the missing column and nothing written', async () => {
      const before = await t.nudge.profiles.count(t.workspace.id);
      const res = await upload('orders', 'valid_rows', lines('order,user_id,placed_at,product_id,quantity,price', 'h-1,hdr-1,2026-01-01,sku-1,1,1'));
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.json().error.code, 'IMPORT_HEADER_INVALID');
      assert.equal(res.json().error.field, 'order_id');
      const job = await finished(res.json().error.details.jobId);
      assert.equal(job.status, 'failed');
      assert.equal(job.failure?.code, 'IMPORT_HEADER_INVALID');
      assert.deepEqual(job.errors.map((e) => [e.row, e.field]), [[0, 'order_id']]);
      assert.equal(await t.nudge.profiles.count(t.workspace.id), before);

      const none = await importViaService('profiles', 'valid_rows', lines('first_name,city', 'Li,Shanghai'));
      assert.equal(none.failure?.code, 'IMPORT_HEADER_INVALID');
      assert.equal(none.errors[0]?.field, 'user_id');
      const dup = await importViaService('profiles', 'valid_rows', lines('user_id,email,Email', 'u,a@b.cn,c@d.cn'));
      assert.deepEqual([dup.failure?.code, dup.errors[0]?.field], ['IMPORT_HEADER_INVALID', 'Email']);
    });

    test('valid_rows: exactly the good rows are imported; each bad row is reported with its row and column', async () => {
      const csv = lines(
        'user_id,email,phone,updated_at,score',
        'v-1,v1@example.com,,,1',
        'v-2,not-an-email,,,2',
        ',,,,3',
        'v-4,,12,,4',
        'v-5,,,yesterday,5',
        'v-6,,,,6,extra',
        'v-7,v7@example.com,,2026-01-01T00:00:00+08:00,7',
      );
      const job = await importViaHttp('profiles', 'valid_rows', csv);
      assert.equal(job.status, 'completed');
      assert.deepEqual([job.rowsProcessed, job.rowsImported, job.rowsFailed], [7, 2, 5]);
      assert.deepEqual(
        job.errors.map((e) => [e.row, e.field, e.code]),
        [
          [2, 'email', 'IMPORT_ROW_INVALID'],
          [3, 'user_id', 'IMPORT_ROW_MISSING_IDENTITY'],
          [4, 'phone', 'IMPORT_ROW_INVALID'],
          [5, 'updated_at', 'IMPORT_ROW_BAD_DATE'],
          [6, null, 'IMPORT_ROW_COLUMN_COUNT'],
        ],
      );
      assert.match(job.errors[0]?.message ?? '', /not-an-email/);
      for (const id of ['v-1', 'v-7']) assert.ok(await profileExists(id), id);
      for (const id of ['v-2', 'v-4', 'v-5', 'v-6']) assert.equal(await profileExists(id), false, id);
    });

    test('all_or_nothing: one bad row imports nothing and every bad row is listed', async () => {
      const csv = lines('user_id,email', 'a-1,a1@example.com', 'a-2,broken', 'a-3,a3@example.com', 'a-4,also broken');
      const job = await importViaHttp('profiles', 'all_or_nothing', csv);
      assert.equal(job.status, 'failed');
      assert.equal(job.failure?.code, 'IMPORT_ROWS_INVALID');
      assert.deepEqual([job.rowsProcessed, job.rowsImported, job.rowsFailed], [4, 0, 2]);
      assert.deepEqual(job.errors.map((e) => e.row), [2, 4]);
      for (const id of ['a-1', 'a-3']) assert.equal(await profileExists(id), false, id);

      const clean = await importViaHttp('profiles', 'all_or_nothing', lines('user_id,email', 'a-1,a1@example.com', 'a-3,a3@example.com'));
      assert.deepEqual([clean.status, clean.rowsImported], ['completed', 2]);
      assert.ok(await profileExists('a-3'));
    });

    test('a broken quote: all_or_nothing writes nothing; valid_rows keeps the rows before it and says so', async () => {
      const csv = lines('id,name,price', 'q-1,Good one,10', 'q-2,"Broken" quote,20', 'q-3,After,30');
      const strict = await importViaHttp('catalog', 'all_or_nothing', csv);
      assert.equal(strict.status, 'failed');
      assert.equal(strict.failure?.code, 'CSV_MALFORMED');
      assert.match(strict.failure?.message ?? '', /data row 2 \(from line 3\).*Nothing was imported/);
      assert.deepEqual(strict.errors.map((e) => [e.row, e.code]), [[2, 'CSV_MALFORMED']]);
      await assert.rejects(t.nudge.catalog.get(t.workspace.id, 'q-1'));

      const lenient = await importViaHttp('catalog', 'valid_rows', csv);
      assert.equal(lenient.status, 'failed');
      assert.equal(lenient.failure?.code, 'CSV_MALFORMED');
      assert.equal(lenient.rowsImported, 1);
      assert.match(lenient.failure?.message ?? '', /the 1 valid rows before it were imported; nothing from data row 2 on/);
      assert.equal((await t.nudge.catalog.get(t.workspace.id, 'q-1')).name, 'Good one');
      await assert.rejects(t.nudge.catalog.get(t.workspace.id, 'q-3'));

      const unclosed = await importViaService('catalog', 'valid_rows', lines('id,name', 'u-1,"never closed', 'u-2,x'));
      assert.equal(unclosed.failure?.code, 'CSV_MALFORMED');
      assert.match(unclosed.failure?.message ?? '', /data row 1 \(from line 2\): a quoted value that starts there is never closed/);
    });

    test('an order cut off by a broken quote is not imported in part', async () => {
      const csv = lines(
        'order_id,user_id,placed_at,product_id,quantity,price',
        'x-1,cut-1,2026-01-01,sku-1,1,10',
        'x-2,cut-1,2026-01-02,sku-1,1,10',
        'x-2,cut-1,2026-01-02,"sku"-2,1,10',
      );
      const job = await importViaService('orders', 'valid_rows', csv);
      assert.equal(job.failure?.code, 'CSV_MALFORMED');
      assert.equal(job.rowsImported, 1);
      assert.deepEqual(job.errors.map((e) => [e.row, e.code]), [
        [2, 'IMPORT_ORDER_INCOMPLETE'],
        [3, 'CSV_MALFORMED'],
      ]);
      assert.equal(await orderCount('cut-1'), 1);
    });

    test('orders spanning chunk boundaries are written whole, in both modes', async () => {
      const small = createImportService({ db: t.nudge.database.db, profiles: t.nudge.profiles, catalog: t.nudge.catalog, clock: t.nudge.clock, chunkRows: 2 });
      const rows = ['order_id,email,placed_at,product_id,quantity,price'];
      for (let o = 0; o < 5; o++) for (let l = 0; l <= o; l++) rows.push(`chunk-${o},chunky@example.com,2026-01-0${o + 1},sku-${l},1,1`);
      for (const mode of ['valid_rows', 'all_or_nothing'] as const) {
        const job = await small.run(t.workspace.id, { kind: 'orders', mode }, Readable.from([lines(...rows)]), 'test');
        assert.equal(job.status, 'completed', JSON.stringify(job));
        assert.equal(job.rowsImported + job.rowsSkipped, 15);
      }
      const buyer = await t.nudge.profiles.get(t.workspace.id, 'chunky@example.com');
      assert.deepEqual([buyer.stats.orders, buyer.stats.revenue], [5, 15]);
    });

    test('a large all_or_nothing import fits in one transaction (more identities than PostgreSQL locks one by one)', async () => {
      const rows = ['user_id,email,tier'];
      for (let i = 0; i < 4000; i++) rows.push(`big-${i},big${i}@example.com,${i % 3}`);
      const job = await importViaService('profiles', 'all_or_nothing', lines(...rows));
      assert.equal(job.status, 'completed', JSON.stringify(job.failure));
      assert.equal(job.rowsImported, 4000);
      assert.equal((await t.nudge.profiles.get(t.workspace.id, 'big3999@example.com')).traits.tier, 0);
    });

    test('the report keeps the first 1,000 errors and counts them all', async () => {
      const rows = ['user_id,email'];
      for (let i = 0; i < 1500; i++) rows.push(`cap-${i},not-an-email-${i}`);
      const job = await importViaService('profiles', 'valid_rows', lines(...rows));
      assert.deepEqual([job.rowsFailed, job.errors.length, job.errors[999]?.row], [1500, 1000, 1000]);
    });

    test('progress is visible while an import runs', async () => {
      const live = createImportService({ db: t.nudge.database.db, profiles: t.nudge.profiles, catalog: t.nudge.catalog, clock: t.nudge.clock, chunkRows: 10, progressMs: 0 });
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      async function* slowFile() {
        yield 'user_id,plan\n';
        for (let i = 0; i < 50; i++) yield `live-${i},pro\n`;
        await gate;
        for (let i = 50; i < 60; i++) yield `live-${i},pro\n`;
      }
      const started = await live.start(t.workspace.id, { kind: 'profiles', mode: 'valid_rows', totalBytes: 1000 }, Readable.from(slowFile()), 'test');
      assert.equal(started.status, 'running');
      let seen: ImportJob | null = null;
      for (let i = 0; i < 200 && !seen; i++) {
        const res = await t.app.inject({ method: 'GET', url: `/api/v1/imports/${started.id}`, headers: auth() });
        const job = res.json<ImportJob>();
        if (job.rowsImported >= 40) seen = job;
        else await new Promise((r) => setTimeout(r, 10));
      }
      assert.ok(seen, 'the job row showed rows imported before the file ended');
      assert.equal(seen.status, 'running');
      assert.ok(seen.processedBytes > 0 && seen.rowsProcessed >= 40);
      release();
      const done = await finished(started.id);
      assert.deepEqual([done.status, done.rowsImported, done.processedBytes], ['completed', 60, 1000]);
    });

    test('stopping the service ends a running import as failed, keeping only whole chunks', async () => {
      const stoppable = createImportService({ db: t.nudge.database.db, profiles: t.nudge.profiles, catalog: t.nudge.catalog, clock: t.nudge.clock, chunkRows: 10 });
      async function* neverEnds() {
        yield 'user_id\n';
        for (let i = 0; i < 25; i++) yield `stop-${i}\n`;
        await new Promise(() => {});
      }
      const started = await stoppable.start(t.workspace.id, { kind: 'profiles', mode: 'valid_rows' }, Readable.from(neverEnds()), 'test');
      // Until the two whole chunks are committed (not a fixed wait: a slow machine took longer than one).
      for (const deadline = Date.now() + 10_000; !(await profileExists('stop-19')); ) {
        assert.ok(Date.now() < deadline, 'the first two chunks were never committed');
        await new Promise((r) => setTimeout(r, 10));
      }
      await stoppable.close();
      const job = await stoppable.get(t.workspace.id, started.id);
      assert.equal(job.status, 'failed');
      assert.equal(job.failure?.code, 'IMPORT_ABORTED');
      assert.equal(job.rowsImported, 20, 'two whole chunks were committed; the 5 rows after them were not');
      assert.equal(await profileExists('stop-24'), false);
    });

    test('a file that is not UTF-8 (GBK from Excel) is refused, not imported as mojibake', async () => {
      const gbk = Buffer.concat([Buffer.from('user_id,name\nenc-1,'), Buffer.from([0xc0, 0xee, 0xc4, 0xc8]), Buffer.from('\n')]);
      const res = await upload('profiles', 'valid_rows', gbk);
      assert.equal(res.statusCode, 202, res.body);
      const job = await finished(res.json<ImportJob>().id);
      assert.equal(job.failure?.code, 'IMPORT_ENCODING_INVALID');
      assert.equal(await profileExists('enc-1'), false);
      const header = await upload('profiles', 'valid_rows', Buffer.from([0xd3, 0xc3, 0xbb, 0xa7, 0x0a]));
      assert.equal(header.statusCode, 400);
      assert.equal(header.json().error.code, 'IMPORT_ENCODING_INVALID');
    });

    test('only CSV bodies are accepted; an empty file is refused', async () => {
      const json = await t.app.inject({ method: 'POST', url: '/api/v1/imports?kind=profiles', payload: { user_id: 'x' }, headers: auth() });
      assert.equal(json.statusCode, 415);
      assert.equal(json.json().error.code, 'UNSUPPORTED_MEDIA_TYPE');
      const empty = await upload('profiles', 'valid_rows', '');
      assert.equal(empty.statusCode, 400);
      assert.equal(empty.json().error.code, 'IMPORT_FILE_EMPTY');
      const badKind = await t.app.inject({ method: 'POST', url: '/api/v1/imports?kind=people', payload: 'user_id\nx\n', headers: { 'content-type': 'text/csv', ...auth() } });
      assert.equal(badKind.statusCode, 400);
      assert.equal(badKind.json().error.field, 'querystring.kind');
    });

    test('jobs are listed newest first, and another workspace cannot read them', async () => {
      const job = await importViaHttp('profiles', 'valid_rows', lines('user_id', 'iso-1'));
      const list = await t.app.inject({ method: 'GET', url: '/api/v1/imports', headers: auth() });
      assert.equal(list.statusCode, 200);
      const items = list.json<{ items: ImportJob[] }>().items;
      assert.equal(items[0]?.id, job.id);
      assert.ok(items.length <= 50);

      const audit = await t.nudge.database.db.selectFrom('audit_log').select(['action', 'actor']).where('target', '=', job.id).orderBy('id').execute();
      assert.deepEqual(audit.map((a) => a.action), ['import.start', 'import.finish']);
      assert.match(audit[0]?.actor ?? '', /^key:/);

      const other = await t.nudge.workspaces.create({ name: 'Other shop', actor: 'test' });
      const foreign = await t.app.inject({ method: 'GET', url: `/api/v1/imports/${job.id}`, headers: { authorization: `Bearer ${other.secretKey}` } });
      assert.equal(foreign.statusCode, 404);
      const theirs = await t.app.inject({ method: 'GET', url: '/api/v1/imports', headers: { authorization: `Bearer ${other.secretKey}` } });
      assert.deepEqual(theirs.json(), { items: [] });
    });

    test('a viewer can watch imports but not start one', async () => {
      const viewer = await t.nudge.auth.createUser({ email: 'viewer@example.test', name: 'Viewer', password: 'viewer password 1' });
      await t.nudge.auth.addMember(viewer.id, t.workspace.id, 'viewer', 'test');
      const login = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'viewer@example.test', password: 'viewer password 1' } });
      assert.equal(login.statusCode, 200, login.body);
      const cookie = login.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
      const headers = { cookie, 'x-nudge-workspace': t.workspace.id };
      const post = await t.app.inject({ method: 'POST', url: '/api/v1/imports?kind=profiles', payload: 'user_id\nviewer-1\n', headers: { ...headers, 'content-type': 'text/csv' } });
      assert.equal(post.statusCode, 403);
      const list = await t.app.inject({ method: 'GET', url: '/api/v1/imports', headers });
      assert.equal(list.statusCode, 200);
    });
  });
}
