import fs from 'node:fs';
import path from 'node:path';
import type { TextClassifier } from './classifier.js';
import type { NlpTask } from './enrich.js';
import { readClassifierFile } from './model-file.js';

/**
 * A workspace's own classifiers, trained on its labelled texts with `nudge nlp train --workspace`,
 * kept beside the database (`<dataDir>/models/<workspace>/<task>.json.gz`). Enrichment uses them
 * in place of the shipped defaults; a file replaced on disk is read again on the next batch.
 */
export function workspaceModelPath(dataDir: string, workspaceId: string, task: NlpTask): string {
  if (!/^[A-Za-z0-9_-]+$/.test(workspaceId)) throw new RangeError(`workspace id ${JSON.stringify(workspaceId)} cannot name a folder`);
  return path.join(dataDir, 'models', workspaceId, `${task}.json.gz`);
}

export interface WorkspaceModels {
  /** The workspace's classifier for `task`, or null when it has none (or it cannot be read: reported once per file version). */
  get(workspaceId: string, task: NlpTask): TextClassifier | null;
}

export function createWorkspaceModels(dataDir: string, onError: (err: unknown) => void = () => {}): WorkspaceModels {
  const cache = new Map<string, { mtimeMs: number; model: TextClassifier | null }>();
  return {
    get(workspaceId, task) {
      const file = workspaceModelPath(dataDir, workspaceId, task);
      let mtimeMs: number;
      try {
        mtimeMs = fs.statSync(file).mtimeMs;
      } catch {
        cache.delete(file);
        return null;
      }
      const hit = cache.get(file);
      if (hit && hit.mtimeMs === mtimeMs) return hit.model;
      let model: TextClassifier | null = null;
      try {
        model = readClassifierFile(file).model;
      } catch (err) {
        onError(err);
      }
      cache.set(file, { mtimeMs, model });
      return model;
    },
  };
}
