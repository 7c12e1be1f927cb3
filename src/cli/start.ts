import type { Config } from '../config/config.js';
import { seedDemoWorkspace } from '../demo/demo.service.js';
import { buildApp } from '../server/app.js';
import { createNudge } from '../server/nudge.js';
import { ensureWebBuilt } from '../server/web.js';
import { progressBar } from './progress.js';
import { ensureFirstAdmin } from './setup.js';

/** `nudge start`: API, dashboard and (from later issues) workers and scheduler in one process. */
export async function startCommand(config: Config, options: { demo: boolean }): Promise<void> {
  const nudge = await createNudge(config);
  const admin = await ensureFirstAdmin(nudge);
  let workspaces = await nudge.workspaces.list();
  let demoKeys: { writeKey: string; secretKey: string } | null = null;
  if (workspaces.length === 0 && options.demo) {
    console.log('Creating the demo workspace with a synthetic shop (deterministic seed)…');
    const bar = progressBar('Demo events');
    const t0 = Date.now();
    const result = await seedDemoWorkspace(nudge, { memberUserId: admin.userId, onProgress: (d, t) => bar.update(d, t) });
    bar.stop();
    console.log(`Demo ready: ${result.customers} customers, ${result.products} products, ${result.events} events in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    demoKeys = { writeKey: result.writeKey, secretKey: result.secretKey };
    workspaces = await nudge.workspaces.list();
  } else if (workspaces.length === 0) {
    const created = await nudge.workspaces.create({ name: 'My workspace', actor: 'system' });
    await nudge.auth.addMember(admin.userId, created.workspace.id, 'admin', 'system');
    workspaces = await nudge.workspaces.list();
  }

  // Workers and schedules run in this process (the embedded shape); `nudge worker` adds more in the scaled one.
  nudge.queue.start();

  const webDir = config.dashboard === 'off' ? null : await ensureWebBuilt((m) => console.log(m));
  const app = await buildApp(nudge, { webDir, logger: config.logLevel === 'silent' ? false : { level: config.logLevel === 'info' ? 'warn' : config.logLevel } });
  await app.listen({ port: config.port, host: config.host });
  const url = config.publicUrl ?? `http://localhost:${config.port}`;

  const lines = [
    '',
    `  Nudge is running at ${url}`,
    `  Storage: ${nudge.database.dialect.name} (${nudge.database.location})`,
    `  Dashboard login: ${admin.email}  password: ${admin.password ?? '(set at first start; see initial-admin.json in the data folder if kept)'}`,
  ];
  const demo = workspaces.find((w) => w.isDemo) ?? workspaces[0];
  if (demo) {
    const keys = await nudge.workspaces.listKeys(demo.id);
    const write = keys.find((k) => k.kind === 'write');
    const secret = keys.find((k) => k.kind === 'secret');
    const secretKey = demoKeys?.secretKey ?? (secret ? await nudge.workspaces.revealKey(demo.id, secret.id, 'system') : '');
    lines.push(`  Workspace "${demo.name}" (${demo.id})`, `    write key:  ${write?.key ?? ''}`, `    secret key: ${secretKey}`);
  }
  lines.push(`  API docs: ${url}/docs`, '');
  console.log(lines.join('\n'));

  const shutdown = async () => {
    await app.close();
    await nudge.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
}
