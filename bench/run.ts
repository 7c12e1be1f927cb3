// `npm run bench -- NAME`: runs bench/NAME.bench.ts, whose default export prints a table and ends
// with one line `BENCH NAME {json}` (figures: [{ name, value, unit, target, anchor }]).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dir = path.dirname(fileURLToPath(import.meta.url));
const available = fs.readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).map((f) => f.replace('.bench.ts', ''));
const name = process.argv[2];
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- NAME   (one of: ${available.join(', ')})`);
  process.exit(2);
}
const mod = (await import(pathToFileURL(path.join(dir, `${name}.bench.ts`)).href)) as { default: (args: string[]) => Promise<void> };
await mod.default(process.argv.slice(3));
