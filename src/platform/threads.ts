import { Worker, type ResourceLimits } from 'node:worker_threads';

/**
 * Start a worker thread from a module next to the caller (`./name.js` in a build, `./name.ts`
 * under tsx). tsx does not install its loader in worker threads on Node 20, so for sources a
 * two-line bootstrap registers it before importing the entry.
 */
export function startModuleWorker(callerUrl: string, name: string, options: { workerData?: unknown; resourceLimits?: ResourceLimits } = {}): Worker {
  if (!callerUrl.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, callerUrl), options);
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL(`./${name}.ts`, callerUrl).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}
